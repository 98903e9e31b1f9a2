// @vitest-environment jsdom
import '../../../tests/helpers/jsdom-layout';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Frame, StackGroup } from '../../core/types';
import type { StacksState } from '../../state/stacks-data';
import { StacksContext } from '../common/stacks-context';
import { StackGroups } from './StackGroups';
import { MAIN_TIDS, RECEIVE_TIDS, stacksState, WAIT_FRAMES, WAIT_TIDS } from './stacks-fixtures';

afterEach(cleanup);

function withStacks(state: StacksState | undefined, children: ReactNode): ReactNode {
  return <StacksContext.Provider value={state}>{children}</StacksContext.Provider>;
}

// The name is the row's text ("798 threads: libc.so.6!clone3+0x2c", "threads:" visually hidden); jsdom's name
// computation drops the spaces between the spans, so names are compared without them.
const item = (name: string): HTMLElement =>
  screen.getByRole('treeitem', { name: (n) => n.replace(/\s+/g, '') === name.replace(/\s+/g, '') });

describe('StackGroups: the merged tree', () => {
  it('shares the outer frames once and branches where the stacks diverge, with thread counts', () => {
    render(withStacks(stacksState(), <StackGroups onShowThreads={() => undefined} />));
    const items = screen.getAllByRole('treeitem');
    // clone3 → start_thread → {KickOffThread → … 6 frames, FinalizerThreadWorker → … 4 frames}; _start → … 5 frames.
    expect(items).toHaveLength(2 + 6 + 4 + 5);
    expect(items.map((i) => i.textContent.replace(/[▾▸]/, '')).slice(0, 5)).toEqual([
      '798 threads: libc.so.6!clone3+0x2c',
      '798 threads: libc.so.6!start_thread+0x2e3',
      '788 threads: libcoreclr.so!ThreadNative::KickOffThread+0x120',
      '788 threads: libcoreclr.so!CallDescrWorkerInternal+0x7b',
      '788 threads: [JIT code] 0x7f3a1c2b4e10',
    ]);
    expect(item('788 threads: [JIT] System.Net.Sockets.Socket.Receive(…)+0x12').getAttribute('aria-level')).toBe('6');
    expect(item('10 threads: libcoreclr.so!FinalizerThreadWorker+0x8a').getAttribute('aria-level')).toBe('3');
    expect(item('2 threads: server!_start+0x25').getAttribute('aria-level')).toBe('1');
    expect(item('798 threads: libc.so.6!start_thread+0x2e3').getAttribute('aria-expanded')).toBe('true');
    // A leaf has nothing to fold.
    expect(item('788 threads: libc.so.6!__recv+0x24').hasAttribute('aria-expanded')).toBe(false);
  });

  it('folds and unfolds with the arrow keys, and Enter shows the threads through a node', () => {
    const onShow = vi.fn();
    render(withStacks(stacksState(), <StackGroups onShowThreads={onShow} />));
    const root = item('798 threads: libc.so.6!clone3+0x2c');
    expect(root.tabIndex).toBe(0);
    act(() => root.focus());
    fireEvent.keyDown(root, { key: 'ArrowDown' });
    const start = item('798 threads: libc.so.6!start_thread+0x2e3');
    expect(document.activeElement).toBe(start);
    fireEvent.keyDown(start, { key: 'ArrowLeft' });
    expect(start.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('treeitem', { name: /FinalizerThreadWorker/ })).toBeNull();
    expect(screen.getAllByRole('treeitem')).toHaveLength(2 + 5);
    fireEvent.keyDown(start, { key: 'ArrowRight' });
    expect(start.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getAllByRole('treeitem')).toHaveLength(17);

    fireEvent.keyDown(start, { key: 'Enter' });
    expect(onShow).toHaveBeenCalledTimes(1);
    expect(onShow.mock.calls[0]?.[0]).toEqual([...WAIT_TIDS, ...RECEIVE_TIDS]);
    expect(onShow.mock.calls[0]?.[1]).toBe('798 threads through libc.so.6!start_thread+0x2e3');

    // ArrowLeft on an open node's child goes to its parent.
    fireEvent.keyDown(start, { key: 'ArrowLeft' });
    fireEvent.keyDown(start, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(root);
  });

  it('a double click, or the button for the selected node, shows that branch’s threads', () => {
    const onShow = vi.fn();
    render(withStacks(stacksState(), <StackGroups onShowThreads={onShow} />));
    const finalizer = item('10 threads: libcoreclr.so!FinalizerThreadWorker+0x8a');
    fireEvent.doubleClick(finalizer);
    expect(onShow).toHaveBeenLastCalledWith(WAIT_TIDS, '10 threads through libcoreclr.so!FinalizerThreadWorker+0x8a');
    fireEvent.click(item('2 threads: libc.so.6!epoll_wait+0x1a'));
    fireEvent.click(screen.getByRole('button', { name: 'Show the 2 threads through libc.so.6!epoll_wait+0x1a' }));
    expect(onShow).toHaveBeenLastCalledWith(MAIN_TIDS, '2 threads through libc.so.6!epoll_wait+0x1a');
  });

  it('renders only the rows on screen when the tree is large', () => {
    // 400 groups that differ in their innermost frame: 402 rows.
    const groups: StackGroup[] = Array.from({ length: 400 }, (_, i) => ({
      threads: [2000 + i],
      frames: [{ pc: 0x1000n + BigInt(i), trust: 'context' } satisfies Frame, ...WAIT_FRAMES.slice(-2)],
    }));
    const t0 = performance.now();
    render(withStacks(stacksState({ groups }), <StackGroups onShowThreads={() => undefined} />));
    const ms = performance.now() - t0;
    const shown = screen.getAllByRole('treeitem').length;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(60);
    expect(ms).toBeLessThan(2000);
  });
});

describe('StackGroups: the flat list', () => {
  it('lists the groups largest first with a one-line stack, and a group opens its threads', () => {
    const onShow = vi.fn();
    render(withStacks(stacksState(), <StackGroups onShowThreads={onShow} />));
    fireEvent.click(screen.getByRole('button', { name: 'Flat list' }));
    expect(screen.getByRole('button', { name: 'Flat list' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryByRole('tree')).toBeNull();
    const list = screen.getByRole('list', { name: 'Stack groups, largest first' });
    const groups = within(list)
      .getAllByRole('listitem')
      .filter((li) => li.parentElement === list);
    expect(groups.map((g) => g.querySelector('summary')?.textContent)).toEqual([
      'libc.so.6!__recv+0x24 ← libSystem.Native.so!SystemNative_ReceiveMessage+0x5d ← [JIT] System.Net.Sockets.Socket.Receive(…)+0x12 … ← libc.so.6!clone3+0x2c',
      'libc.so.6!__futex_abstimed_wait_common64+0x117 ← libc.so.6!___pthread_cond_wait+0x221 ← libcoreclr.so!CorUnix::CPalSynchronizationManager::ThreadNativeWait+0xfa … ← libc.so.6!clone3+0x2c',
      'libc.so.6!epoll_wait+0x1a ← server!main+0x4f ← libc.so.6!__libc_start_call_main+0x80 … ← server!_start+0x25',
    ]);
    expect(groups.map((g) => g.querySelector('button')?.textContent)).toEqual([
      '788 threads',
      '10 threads',
      '2 threads',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Show the 788 threads of stack group 1' }));
    expect(onShow).toHaveBeenCalledWith(RECEIVE_TIDS, expect.stringMatching(/^stack group 1: libc\.so\.6!__recv/));
    // Every frame of a group, JIT frames included, is one click away.
    const frames = groups[0]?.querySelectorAll('.stack-group-frames li');
    expect([...(frames ?? [])].map((f) => f.textContent)).toContain('[JIT code] 0x7f3a1c2b4e10');
  });
});

describe('StackGroups: the stacks pass state', () => {
  it('shows progress while running, without blocking what is already grouped', () => {
    render(
      withStacks(
        stacksState({ status: 'running', done: 400, groups: stacksState().groups.slice(0, 1) }),
        <StackGroups onShowThreads={() => undefined} />,
      ),
    );
    expect(screen.getByRole('status').textContent).toBe('Walking stacks: 400 of 800 threads');
    const bar = screen.getByRole('progressbar', { name: 'Stacks walked' });
    expect(bar.getAttribute('value')).toBe('400');
    expect(bar.getAttribute('max')).toBe('800');
    expect(screen.getAllByRole('treeitem')).toHaveLength(8);
  });

  it('says when done how many groups there are, and warns when incomplete', () => {
    render(withStacks(stacksState(), <StackGroups onShowThreads={() => undefined} />));
    expect(screen.getByTestId('stacks-progress').textContent).toBe('800 threads in 3 groups of identical stacks');
    cleanup();
    render(
      withStacks(
        stacksState({ status: 'incomplete', warnings: ['the pass was cancelled'] }),
        <StackGroups onShowThreads={() => undefined} />,
      ),
    );
    expect(screen.getByTestId('stacks-progress').textContent).toContain('incomplete: the stacks pass stopped early');
  });

  it('shows nothing when the pass is off or there is no stacks state', () => {
    const { container } = render(
      withStacks(stacksState({ status: 'off' }), <StackGroups onShowThreads={() => undefined} />),
    );
    expect(container.innerHTML).toBe('');
    cleanup();
    const again = render(withStacks(undefined, <StackGroups onShowThreads={() => undefined} />));
    expect(again.container.innerHTML).toBe('');
  });
});
