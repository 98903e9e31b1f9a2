// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RegisterValue, ThreadRow } from '../../../workers/engine-protocol';
import { ThreadDetail } from './ThreadDetail';

const THREAD: ThreadRow = { tid: 42, signal: 0, signalName: '', crashed: false, registerCount: 2 };
const REGISTERS: readonly RegisterValue[] = [
  { name: 'rip', hex: '0x401000' },
  { name: 'rsp', hex: '0x7ffd0000' },
];

afterEach(cleanup);

/** Opens (or closes) the registers' <details> as a click on its summary would: the `toggle` event follows. */
async function toggle(open: boolean): Promise<void> {
  const details = screen.getByText(/^Registers \(/).closest('details');
  if (details === null) throw new Error('no registers');
  await act(async () => {
    details.open = open;
    fireEvent(details, new Event('toggle'));
    await Promise.resolve();
  });
}

describe('ThreadDetail registers', () => {
  it('asks the worker only when opened, and once per dump and thread', async () => {
    const load = vi.fn((_thread: number) => Promise.resolve(REGISTERS));
    const props = { dumpId: 7, thread: THREAD, loadRegisters: load, onShowStack: () => undefined };
    const { rerender } = render(<ThreadDetail {...props} index={0} />);
    expect(load).not.toHaveBeenCalled();

    await toggle(true);
    expect(load).toHaveBeenCalledTimes(1);
    expect(await screen.findByText('0x7ffd0000')).toBeTruthy();

    // Another thread while open: asked for; back to the first: from the cache.
    rerender(<ThreadDetail {...props} index={1} />);
    await act(() => Promise.resolve());
    expect(load).toHaveBeenCalledTimes(2);
    expect(load).toHaveBeenLastCalledWith(1);
    rerender(<ThreadDetail {...props} index={0} />);
    await toggle(false);
    await toggle(true);
    expect(load).toHaveBeenCalledTimes(2);
    expect(screen.getByText('0x401000')).toBeTruthy();

    // Another dump with the same thread index: asked for again.
    rerender(<ThreadDetail key="other" {...props} dumpId={8} index={0} />);
    await toggle(true);
    expect(load).toHaveBeenCalledTimes(3);
  });
});

describe('ThreadDetail signal', () => {
  const props = { dumpId: 1, index: 0, loadRegisters: () => Promise.resolve([]), onShowStack: () => undefined };
  it('says "stopped by" only for the thread the signal went to', () => {
    render(<ThreadDetail {...props} thread={{ ...THREAD, signal: 6, signalName: 'SIGABRT', crashed: true }} />);
    expect(screen.getByText(/stopped by SIGABRT/)).toBeTruthy();
    cleanup();
    render(<ThreadDetail {...props} thread={{ ...THREAD, signal: 6, signalName: 'SIGABRT', crashed: false }} />);
    expect(screen.queryByText(/stopped by/)).toBeNull();
    expect(screen.getByText(/stopped with the process \(its note repeats the process's SIGABRT\)/)).toBeTruthy();
  });
});
