/**
 * Two steps that follow the call linkage itself, without CFI or a frame pointer (trust 'fp', like the frame record):
 *   link register  at an exact pc (frame 0, or code a signal interrupted) a function that has not saved its return
 *                  address yet (a leaf) still holds it in lr: aarch64 x30, PowerPC lr. eu-stack's fallback takes
 *                  lr there as well. It is left to the chain when the chain's saved return address is the same (the
 *                  function has saved it: no duplicate frame), and, when the code before it is readable, when it
 *                  does not follow a call, or follows a direct call whose callee starts at or below lr and pc lies
 *                  at or above lr (then lr is inside frame 0's own function, left there by an earlier call).
 *   back chain     PowerPC: [sp] is the caller's sp; the return address was saved at caller sp + 16 (64-bit ELFv1
 *                  and ELFv2) or + 4 (32-bit). A back chain of 0 ends the walk.
 */
import { callSiteWindow, directCallTarget, endsWithCall } from './call-site';
import {
  codeAddress,
  fail,
  hex,
  readWord,
  stackBounds,
  stripped,
  type FrameState,
  type StepContext,
  type StepResult,
} from './unwind-steps';

export async function linkStep(ctx: StepContext, state: FrameState): Promise<StepResult | undefined> {
  const { arch } = ctx;
  if (arch.linkRegister === undefined || !state.exactPc) return undefined;
  const raw = state.regs[arch.linkRegister];
  if (raw === undefined) return undefined;
  const pc = stripped(ctx, raw);
  if (pc === 0n || pc === state.pc || !codeAddress(ctx, pc)) return undefined;
  const saved = await savedReturnAddress(ctx, state);
  if (saved !== undefined && stripped(ctx, saved) === pc) return undefined;
  if (!(await mayReturnTo(ctx, pc, state.pc))) return undefined;
  const regs: (bigint | undefined)[] = new Array<bigint | undefined>(state.regs.length).fill(undefined);
  // A leaf has not moved the frame its caller runs in: the caller's sp and frame pointer are frame 0's.
  regs[arch.sp] = state.regs[arch.sp];
  regs[arch.fp] = state.regs[arch.fp];
  return { kind: 'frame', state: { pc, regs, exactPc: false, chainFp: state.chainFp }, trust: 'fp', signal: false };
}

/** The return address the chain step would find for this frame, if it can be read. */
async function savedReturnAddress(ctx: StepContext, state: FrameState): Promise<bigint | undefined> {
  const { arch } = ctx;
  if (arch.frameRecord !== undefined) {
    const fp = state.regs[arch.fp];
    if (fp === undefined || fp === 0n) return undefined;
    return readWord(ctx, fp + BigInt(arch.frameRecord.returnAddress));
  }
  if (arch.backChain !== undefined) {
    const sp = state.regs[arch.sp];
    const callerSp = sp === undefined ? undefined : await readWord(ctx, sp);
    if (callerSp === undefined || callerSp === 0n) return undefined;
    return readWord(ctx, callerSp + BigInt(arch.backChain.returnAddress));
  }
  return undefined;
}

/** Whether the code before `ra` is consistent with a call to the function holding `pc` (unknown code: yes). */
async function mayReturnTo(ctx: StepContext, ra: bigint, pc: bigint): Promise<boolean> {
  const kind = ctx.arch.callSite;
  if (kind === undefined) return true;
  const window = callSiteWindow(kind);
  const before = await ctx.space.read(ra - BigInt(window), window);
  if (before === undefined || before.length < window) return true;
  if (!endsWithCall(kind, before)) return false;
  const target = directCallTarget(kind, before, ra);
  return target === undefined || !(target <= ra && ra <= pc);
}

export async function backChainStep(ctx: StepContext, state: FrameState): Promise<StepResult | undefined> {
  const { arch, thread } = ctx;
  const layout = arch.backChain;
  if (layout === undefined) return undefined;
  const sp = state.regs[arch.sp];
  if (sp === undefined) return fail('no-unwind-info', `sp is not known at ${hex(state.pc)}`);
  const w = BigInt(arch.wordSize);
  if (sp % w !== 0n) return fail('no-unwind-info', `sp ${hex(sp)} is not word-aligned`);
  const callerSp = await readWord(ctx, sp);
  if (callerSp === undefined) return fail('unreadable', `the back chain word at ${hex(sp)} is not in the dump`);
  if (callerSp === 0n) return { kind: 'outermost', detail: `the back chain ends (0) at sp ${hex(sp)}` };
  if (callerSp <= sp) {
    return fail('loop', `the back chain does not go up the stack: ${hex(callerSp)} is not above ${hex(sp)}`);
  }
  if (callerSp % w !== 0n) return fail('no-unwind-info', `the back chain at ${hex(sp)} holds ${hex(callerSp)}`);
  const raAddress = callerSp + BigInt(layout.returnAddress);
  const { end } = stackBounds(thread, sp);
  if (end !== undefined && raAddress + w > end) {
    return fail('no-unwind-info', `the back chain at ${hex(sp)} leaves the stack (${hex(callerSp)})`);
  }
  const ra = await readWord(ctx, raAddress);
  if (ra === undefined) return fail('unreadable', `the return address slot at ${hex(raAddress)} is not in the dump`);
  if (ra === 0n) return { kind: 'outermost', detail: `the frame at sp ${hex(callerSp)} saved return address 0` };
  if (!codeAddress(ctx, ra)) {
    return fail('no-unwind-info', `the back chain's return address ${hex(ra)} (at ${hex(raAddress)}) is not code`);
  }
  const regs: (bigint | undefined)[] = new Array<bigint | undefined>(state.regs.length).fill(undefined);
  regs[arch.sp] = callerSp;
  return { kind: 'frame', state: { pc: ra, regs, exactPc: false, chainFp: false }, trust: 'fp', signal: false };
}
