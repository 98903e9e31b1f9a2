// @vitest-environment jsdom
import '../../../tests/helpers/jsdom-layout';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnalysisView } from '../../../workers/engine-protocol';
import type { SortSpec } from '../../state/hash-state';
import type { StacksState } from '../../state/stacks-data';
import { StacksContext } from '../common/stacks-context';
import { TooltipProvider } from '../common/Tooltip';
import { RECEIVE_TIDS, stacksState, threadRows, WAIT_TIDS } from './stacks-fixtures';
import type { ThreadFilter } from './thread-model';
import { ThreadsView } from './ThreadsView';

afterEach(cleanup);

const VIEW = {
  id: 1,
  fileName: 'test.core',
  analyzeMs: 1,
  overview: { dump: { bits: 64 } },
  totals: [],
  imageTotals: [],
  threads: threadRows(),
} as unknown as AnalysisView;

function Harness({
  stacks,
  onFilter,
  initialSort,
}: {
  readonly stacks: StacksState | undefined;
  readonly onFilter?: (f: ThreadFilter) => void;
  readonly initialSort?: SortSpec;
}) {
  const [text, setText] = useState('');
  const [sort, setSort] = useState<SortSpec | undefined>(initialSort);
  const [filter, setFilter] = useState<ThreadFilter>({});
  return (
    <TooltipProvider>
      <StacksContext.Provider value={stacks}>
        <ThreadsView
          view={VIEW}
          text={text}
          sort={sort}
          scrollKey={0}
          onText={setText}
          onSort={setSort}
          onSelect={() => undefined}
          onShowStack={() => undefined}
          exportText={() => Promise.resolve('')}
          loadRegisters={() => Promise.resolve([])}
          {...(onFilter === undefined
            ? {}
            : {
                filter,
                onFilter: (f: ThreadFilter) => {
                  onFilter(f);
                  setFilter(f);
                },
              })}
        />
      </StacksContext.Provider>
    </TooltipProvider>
  );
}

const count = (): string => screen.getByText(/ of 800 threads$/).textContent;

/** The text of column `title` in the rows on screen, top to bottom. */
function column(title: string): string[] {
  const grid = screen.getByRole('grid', { name: 'Threads' });
  const headers = within(grid).getAllByRole('columnheader');
  const at = headers.findIndex((h) => h.textContent.startsWith(title));
  return within(grid)
    .getAllByRole('row')
    .slice(1)
    .map((r) => within(r).queryAllByRole('gridcell')[at]?.textContent ?? '');
}

describe('ThreadsView with stacks', () => {
  it('shows each thread’s top frame (past the wait wrappers) and the system call it is blocked in', () => {
    render(<Harness stacks={stacksState()} />);
    const top = column('Top frame');
    expect(top[0]).toBe('server!main+0x4f');
    expect(top[2]).toBe('libcoreclr.so!FinalizerThreadWorker+0x8a');
    expect(top[12]).toBe('[JIT] System.Net.Sockets.Socket.Receive(…)+0x12');
    const blocked = column('Blocked in');
    expect(blocked[0]).toBe('epoll_wait(fd 3, 0x7ffd1000, 128, -1)');
    // Tid 1005 is the waiting thread a signal interrupted.
    expect(blocked[5]).toMatch(/^futex\(0x7f3a000013ed, .*\) \(interrupted\)$/);
    expect(blocked[12]).toBe('recvmsg(fd 112, 0x7f3b00000000, 0)');
  });

  it('the text filter matches the top frame and the system call; the select filters by system call', () => {
    render(<Harness stacks={stacksState()} />);
    const input = screen.getByRole('searchbox');
    fireEvent.change(input, { target: { value: 'FinalizerThread' } });
    expect(count()).toBe('10 of 800 threads');
    fireEvent.change(input, { target: { value: 'epoll' } });
    expect(count()).toBe('2 of 800 threads');
    fireEvent.change(input, { target: { value: 'fd 112' } });
    expect(count()).toBe('1 of 800 threads');
    // A bare number is a tid, not every fd or address holding its digits.
    // (Tid 1650 reads from fd 750: "750" finds tid 1750 alone.)
    fireEvent.change(input, { target: { value: '750' } });
    expect(count()).toBe('1 of 800 threads');
    expect(column('Tid')).toEqual(['1750']);
    fireEvent.change(input, { target: { value: '' } });

    const select = screen.getByRole('combobox', { name: 'Blocked in' });
    expect([...(select as HTMLSelectElement).options].map((o) => o.textContent)).toEqual([
      'any',
      'recvmsg (788)',
      'futex (10)',
      'epoll_wait (2)',
    ]);
    fireEvent.change(select, { target: { value: 'futex' } });
    expect(count()).toBe('10 of 800 threads');
    expect(column('Tid')).toEqual(WAIT_TIDS.map(String));
  });

  it('sorting by Blocked in puts each system call’s threads together', () => {
    render(<Harness stacks={stacksState()} initialSort={{ column: 'blockedIn', desc: false }} />);
    const blocked = column('Blocked in');
    expect(blocked.slice(0, 2).every((b) => b.startsWith('epoll_wait('))).toBe(true);
    expect(blocked.slice(2, 12).every((b) => b.startsWith('futex('))).toBe(true);
    expect(blocked[12]).toMatch(/^recvmsg\(/);
  });

  it('a stack group opens its threads in the table, and the chip clears the filter', () => {
    render(<Harness stacks={stacksState()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Flat list' }));
    fireEvent.click(screen.getByRole('button', { name: 'Show the 10 threads of stack group 2' }));
    expect(count()).toBe('10 of 800 threads');
    expect(screen.getByTestId('tid-filter').textContent).toMatch(/^stack group 2: libc\.so\.6!__futex/);
    fireEvent.click(screen.getByRole('button', { name: 'Show all threads' }));
    expect(count()).toBe('800 of 800 threads');
    expect(screen.queryByTestId('tid-filter')).toBeNull();
  });

  it('with the filter controlled by the app, a group calls onFilter with its tids', () => {
    const onFilter = vi.fn();
    render(<Harness stacks={stacksState()} onFilter={onFilter} />);
    fireEvent.click(screen.getByRole('button', { name: 'Flat list' }));
    fireEvent.click(screen.getByRole('button', { name: 'Show the 788 threads of stack group 1' }));
    expect(onFilter).toHaveBeenCalledTimes(1);
    const f = onFilter.mock.calls[0]?.[0] as ThreadFilter;
    expect(f.tids).toEqual(RECEIVE_TIDS);
    expect(count()).toBe('788 of 800 threads');
  });

  it('without a stacks pass there are no stack columns, groups or syscall select', () => {
    render(<Harness stacks={stacksState({ status: 'off', groups: [], stacks: [], syscalls: [] })} />);
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers.some((h) => h.startsWith('Top frame'))).toBe(false);
    expect(headers.some((h) => h.startsWith('Blocked in'))).toBe(false);
    expect(screen.queryByRole('tree')).toBeNull();
    expect(screen.queryByRole('combobox', { name: 'Blocked in' })).toBeNull();
  });

  it('while the pass runs, threads not walked yet show "…" and the progress is shown', () => {
    const full = stacksState();
    const stacks = full.stacks.map((s, i) => (i < 400 ? s : undefined));
    render(<Harness stacks={{ ...full, status: 'running', done: 400, stacks, groups: full.groups.slice(2) }} />);
    expect(screen.getByText('Walking stacks: 400 of 800 threads')).toBeTruthy();
    expect(column('Top frame')[0]).toBe('server!main+0x4f');
    const tid = within(screen.getByRole('columnheader', { name: /Tid/ })).getByRole('button');
    fireEvent.click(tid);
    if (screen.getByRole('columnheader', { name: /Tid/ }).getAttribute('aria-sort') !== 'descending')
      fireEvent.click(tid);
    expect(column('Tid')[0]).toBe('1799');
    expect(column('Top frame')[0]).toBe('…');
  });
});
