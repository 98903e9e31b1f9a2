import type { ParsedPrstatus } from '../notes/prstatus';
import { moduleAt, moduleOffsetLabel } from './address-label';
import { regionIndexAt } from '../memory/region-lookup';
import type { Module, Region, Thread } from '../types';

export { basename } from './address-label';

/**
 * Threads from NT_PRSTATUS, in file order. The kernel writes the thread that took the fatal signal first, and
 * repeats pr_cursig in every thread; gdb writes cursig 0. So "crashed" is the first thread when it carries a
 * signal and the process-wide signal (NT_SIGINFO or the first cursig) matches.
 */
export function buildThreads(notes: readonly ParsedPrstatus[], processSignal: number | undefined): Thread[] {
  // Every field present from the start (undefined until annotateThreads fills it): one object shape for all.
  return notes.map((n, i) => ({
    tid: n.tid,
    signal: n.signal,
    crashed: i === 0 && n.signal !== 0 && (processSignal === undefined || processSignal === n.signal),
    registers: n.registers,
    pc: n.pc,
    sp: n.sp,
    pcSymbol: undefined,
    stackStart: undefined,
    stackEnd: undefined,
    stackSize: undefined,
    stackUsed: undefined,
    stackRegion: undefined,
  }));
}

/**
 * Stack extent, used depth, and pc as module+offset, once regions are classified. Stacks grow down everywhere
 * but on PA-RISC (hppa), where the used part is sp − start.
 */
export function annotateThreads(
  threads: Thread[],
  regions: readonly Region[],
  modules: readonly Module[],
  stackGrowsUp = false,
): void {
  for (let i = 0; i < threads.length; i++) {
    const t = threads[i]; // indexed: see classifyRegions
    if (t === undefined) throw new RangeError(`no thread ${i}`);
    if (t.pc !== undefined) {
      const m = moduleAt(t.pc, regions, modules);
      if (m !== undefined) t.pcSymbol = moduleOffsetLabel(m, t.pc);
    }
    if (t.sp === undefined) continue;
    const index = regionIndexAt(regions, t.sp);
    const r = regions[index];
    if (r === undefined || r.kind !== 'Stack') continue;
    t.stackRegion = index;
    t.stackStart = r.start;
    t.stackEnd = r.end;
    t.stackSize = r.size;
    t.stackUsed = Number(stackGrowsUp ? t.sp - r.start : r.end - t.sp);
  }
}
