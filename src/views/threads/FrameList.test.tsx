// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ThreadRow } from '../../../workers/engine-protocol';
import type { StacksState } from '../../state/stacks-data';
import { StacksContext } from '../common/stacks-context';
import { TooltipProvider } from '../common/Tooltip';
import { FrameList } from './FrameList';
import { JIT_PC, MAIN_FRAMES, RECEIVE_FRAMES, stacksState } from './stacks-fixtures';
import { ThreadDetail } from './ThreadDetail';

afterEach(cleanup);

const THREAD: ThreadRow = { tid: 1005, signal: 0, signalName: '', crashed: false, registerCount: 0 };

function detail(stacks: StacksState | undefined, index: number, onShowMemory?: (a: bigint) => void) {
  return render(
    <TooltipProvider>
      <StacksContext.Provider value={stacks}>
        <ThreadDetail
          dumpId={1}
          thread={{ ...THREAD, tid: 1000 + index }}
          index={index}
          loadRegisters={() => Promise.resolve([])}
          onShowStack={() => undefined}
          onShowMemory={onShowMemory}
        />
      </StacksContext.Provider>
    </TooltipProvider>,
  );
}

/** The cells of each body row. */
function rows(): string[][] {
  const table = screen.getByRole('table');
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((r) =>
      within(r)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    );
}

describe('FrameList', () => {
  it('numbers the frames, names them, says how each was found and marks a scanned one as a guess', () => {
    render(
      <TooltipProvider>
        <FrameList frames={RECEIVE_FRAMES} />
      </TooltipProvider>,
    );
    const r = rows();
    expect(r).toHaveLength(8);
    expect(r[0]).toEqual(['0', 'libc.so.6!__recv+0x24', 'regs', 'libc.so.6+0x1e9a4', '', '0x7f000011e9a4']);
    expect(r[2]?.slice(0, 4)).toEqual(['2', '[JIT] System.Net.Sockets.Socket.Receive(…)+0x12JIT', 'fp', '']);
    expect(r[3]?.slice(0, 3)).toEqual(['3', '[JIT code] 0x7f3a1c2b4e10JIT', 'scan?']);
    const scan = screen.getAllByRole('row')[4];
    const badge = scan === undefined ? null : within(scan).getByRole('img', { name: 'heuristic' });
    expect(badge?.getAttribute('data-evidence')).toMatch(/^Heuristic “stack scan”/);
    // Only the scanned frame carries the heuristic mark.
    expect(screen.getAllByRole('img', { name: 'heuristic' })).toHaveLength(1);
  });

  it('shows the source line when known, and an address opens the hex view', () => {
    const onShowMemory = vi.fn();
    render(
      <TooltipProvider>
        <FrameList frames={MAIN_FRAMES} onShowMemory={onShowMemory} />
      </TooltipProvider>,
    );
    expect(rows()[1]?.[4]).toBe('main.c:42');
    fireEvent.click(screen.getByRole('button', { name: '0x55550000129f' }));
    expect(onShowMemory).toHaveBeenCalledWith(0x55550000129fn);
  });

  it('a runaway stack shows its first 200 frames and the rest on request', () => {
    const frames = Array.from({ length: 1000 }, (_, i) => ({ pc: 0x401000n + BigInt(i), trust: 'cfi' as const }));
    const { container } = render(<FrameList frames={frames} />);
    // (Counted by selector: role queries over a thousand rows are slow in jsdom.)
    expect(container.querySelectorAll('tbody tr')).toHaveLength(200);
    fireEvent.click(screen.getByRole('button', { name: 'Show all 1,000 frames' }));
    expect(container.querySelectorAll('tbody tr')).toHaveLength(1000);
    expect(container.querySelector('tbody tr:last-child td:nth-child(2)')?.textContent).toBe('0x4013e7');
  });
});

describe('ThreadDetail: frames and system call', () => {
  it('shows the frames, why the walk stopped and the system call with its evidence', () => {
    const onShowMemory = vi.fn();
    detail(stacksState(), 5, onShowMemory);
    expect(screen.getByRole('heading', { name: 'Frames' })).toBeTruthy();
    expect(screen.getByTestId('walk-stop').textContent).toBe(
      '6 frames · the walk stopped: a value it needed is not in the dump — the return address at 0x7ffd0000fff8 is not in the dump',
    );
    expect(screen.getByText('Blocked in').nextElementSibling?.textContent).toBe(
      "futex(0x7f3a000013ed, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL) (interrupted) (system call 202, from orig_rax) — a signal interrupted it: the dump was taken on the signal handler's path",
    );
    expect(rows()[3]?.[1]).toBe('libcoreclr.so!FinalizerThreadWorker+0x8a');
  });

  it('a JIT frame’s address opens the hex view at that address', () => {
    const onShowMemory = vi.fn();
    detail(stacksState(), 100, onShowMemory);
    fireEvent.click(screen.getByRole('button', { name: '0x7f3a1c2b4e10' }));
    expect(onShowMemory).toHaveBeenCalledWith(JIT_PC);
  });

  it('says when the walk has not reached the thread yet, and shows nothing with the pass off', () => {
    const s = stacksState();
    detail({ ...s, status: 'running', stacks: [] }, 5);
    expect(screen.getByText('Walking this stack…')).toBeTruthy();
    cleanup();
    detail({ ...s, status: 'off', stacks: [], syscalls: [] }, 5);
    expect(screen.queryByRole('heading', { name: 'Frames' })).toBeNull();
    expect(screen.queryByText('Blocked in')).toBeNull();
  });
});
