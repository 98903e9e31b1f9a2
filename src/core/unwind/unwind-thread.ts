/**
 * Walks one thread's stack: frame 0 from its registers, then each caller by the best method that works (CFI,
 * then the link register at frame 0, the frame-pointer chain or the PowerPC back chain, then a stack scan), until the unwind info marks the outermost frame, a frame
 * repeats, the stack cannot be read, nothing can take a step, or the frame limit. The pcs are what gdb and
 * eu-stack print: frame 0's pc, then return addresses (rows are looked up at pc − 1, except after a signal frame).
 * Nothing thrown inside escapes: a bug or damaged input ends the walk with what was found and says why.
 */
import { ALL_LAYOUTS } from '../notes/arch';
import type { FrameTrust, UnwindStop } from '../types';
import { registerFile, unwindArch } from './unwind-arch';
import { backChainStep, linkStep } from './chain-steps';
import { scanStep } from './scan-step';
import { cfiStep, fpStep, hex, type FrameState, type StepContext, type StepResult } from './unwind-steps';
import type { UnwindSpace, UnwindThread } from './unwind-space';

export { unwindSupport } from './unwind-arch';

export interface UnwoundStack {
  frames: { pc: bigint; trust: FrameTrust }[];
  stop: UnwindStop;
  stopDetail?: string;
}

const DEFAULT_MAX_FRAMES = 512;

export async function unwindThread(
  space: UnwindSpace,
  thread: UnwindThread,
  options?: { maxFrames?: number },
): Promise<UnwoundStack> {
  const frames: { pc: bigint; trust: FrameTrust }[] = [];
  try {
    return await walk(space, thread, Math.max(1, options?.maxFrames ?? DEFAULT_MAX_FRAMES), frames);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { frames, stop: 'no-unwind-info', stopDetail: `the unwinder failed: ${message}` };
  }
}

async function walk(
  space: UnwindSpace,
  thread: UnwindThread,
  maxFrames: number,
  frames: { pc: bigint; trust: FrameTrust }[],
): Promise<UnwoundStack> {
  const arch = unwindArch(space.arch);
  if (arch === undefined) {
    const pc = pcOf(space.arch, thread);
    if (pc !== undefined) frames.push({ pc, trust: 'context' });
    return { frames, stop: 'no-unwind-info', stopDetail: `no stack unwinder for ${space.arch}` };
  }
  const pc = thread.registers.value(arch.pcName);
  if (pc === undefined) return { frames, stop: 'no-unwind-info', stopDetail: "the thread's registers hold no pc" };
  frames.push({ pc, trust: 'context' });
  if (pc === 0n) return { frames, stop: 'outermost', stopDetail: 'the pc is 0' };
  const ctx: StepContext = { space, thread, arch };
  let state: FrameState = { pc, regs: registerFile(arch, thread.registers), exactPc: true, chainFp: false };
  // Frames whose sp did not go up (a leaf, a signal frame): only they can repeat a frame, so only they are kept.
  const seen: { pc: bigint; sp: bigint | undefined }[] = [];
  for (;;) {
    const sp = state.regs[arch.sp];
    const step = await stepOnce(ctx, state);
    if (step.kind === 'outermost') return { frames, stop: 'outermost', stopDetail: step.detail };
    if (step.kind === 'fail') return { frames, stop: step.stop, stopDetail: step.detail };
    const next = step.state;
    const nextSp = next.regs[arch.sp];
    if (sp !== undefined && nextSp !== undefined && !step.signal) {
      // A leaf that has not moved sp (aarch64, or any frame with an exact pc) may share its caller's sp.
      const sameSpAllowed = state.exactPc && next.pc !== state.pc;
      if (nextSp < sp || (nextSp === sp && !sameSpAllowed)) {
        return {
          frames,
          stop: 'loop',
          stopDetail: `the caller of ${hex(state.pc)} has sp ${hex(nextSp)}, not above ${hex(sp)}`,
        };
      }
    }
    if (sp === undefined || nextSp === undefined || nextSp <= sp) {
      if (seen.length === 0) seen.push({ pc: state.pc, sp });
      if (seen.some((x) => x.pc === next.pc && x.sp === nextSp)) {
        return { frames, stop: 'loop', stopDetail: `the frame at ${hex(next.pc)} (sp ${hex(nextSp ?? 0n)}) repeats` };
      }
      seen.push({ pc: next.pc, sp: nextSp });
    }
    if (frames.length >= maxFrames) {
      return { frames, stop: 'limit', stopDetail: `the walk stopped at ${maxFrames} frames` };
    }
    frames.push({ pc: next.pc, trust: step.trust });
    state = next;
  }
}

const STEPS = [cfiStep, linkStep, fpStep, backChainStep, scanStep];

/**
 * One step by the best method that works. CFI is authoritative when it has a row: its outermost mark and its
 * loop findings stand; when it cannot compute the caller (a register it needs is unknown, a word is not in the
 * dump) the frame pointer and the scan are tried. Of several failures the stop is the most telling one.
 */
async function stepOnce(ctx: StepContext, state: FrameState): Promise<StepResult> {
  const failures: { stop: Exclude<UnwindStop, 'outermost' | 'limit'>; detail: string }[] = [];
  for (const method of STEPS) {
    const result = await method(ctx, state);
    if (result === undefined) continue;
    if (result.kind !== 'fail') return result;
    failures.push(result);
  }
  if (failures.length === 0) {
    return { kind: 'fail', stop: 'no-unwind-info', detail: `no unwind method applies at ${hex(state.pc)}` };
  }
  for (const stop of ['unreadable', 'loop'] as const) {
    const f = failures.find((x) => x.stop === stop);
    if (f !== undefined) return { kind: 'fail', stop, detail: f.detail };
  }
  return { kind: 'fail', stop: 'no-unwind-info', detail: failures.map((f) => f.detail).join('; ') };
}

/** Frame 0 on architectures without an unwinder: the pc as the prstatus layout names and decodes it. */
function pcOf(arch: string, thread: UnwindThread): bigint | undefined {
  const layout = ALL_LAYOUTS.find((l) => l.arch === arch);
  const raw = thread.registers.value(layout?.pc ?? 'pc');
  return raw === undefined || layout?.pcAddress === undefined ? raw : layout.pcAddress(raw);
}
