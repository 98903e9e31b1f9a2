/**
 * The three ways to find a caller's frame, best first (the trust each gives is the Frame's `trust`):
 *   cfi   the module's DWARF call frame rows
 *   fp    the frame record the frame pointer points at (also how JIT code without CFI is walked: .NET and V8
 *         keep rbp / x29 chains)
 *   scan  the first stack word above sp that is a return address (code just after a call instruction)
 * Each step either gives the caller's state, says the walk is over (the CFI marks the return address undefined,
 * or it is 0), or fails with a reason the thread loop turns into a stop.
 */
import type { FrameTrust, UnwindStop } from '../types';
import { moduleCfi } from './cfi-table';
import type { CfiRow, RegisterRule } from './cfi-row';
import { evaluate, type ExpressionContext, type ExpressionResult } from './dwarf-expression';
import type { UnwindArch } from './unwind-arch';
import type { UnwindSpace, UnwindThread } from './unwind-space';

/** One frame's registers as the walk knows them: undefined = unknown (never guessed). */
export interface FrameState {
  readonly pc: bigint;
  readonly regs: readonly (bigint | undefined)[];
  /** The pc is where execution stopped (frame 0, or code a signal interrupted), not a return address. */
  readonly exactPc: boolean;
  /**
   * The frame pointer was read from a frame record (an `fp` step, or a scan that found the record's return
   * address): 0 there is the chain's end the ABIs define (_start and clone clear it), not a register that happens
   * to hold 0.
   */
  readonly chainFp: boolean;
}

export type StepResult =
  | {
      readonly kind: 'frame';
      readonly state: FrameState;
      readonly trust: FrameTrust;
      /** The step went through a signal trampoline: the interrupted sp may lie anywhere (sigaltstack). */
      readonly signal: boolean;
    }
  | { readonly kind: 'outermost'; readonly detail: string }
  | { readonly kind: 'fail'; readonly stop: Exclude<UnwindStop, 'outermost' | 'limit'>; readonly detail: string };

/** What every step needs: the space, the thread's stack bounds, the architecture. */
export interface StepContext {
  readonly space: UnwindSpace;
  readonly thread: UnwindThread;
  readonly arch: UnwindArch;
}

/** Registers above this DWARF number (vector registers) are not tracked; the RA column always is. */
const MAX_TRACKED_REGISTER = 64;

export const hex = (v: bigint): string => `0x${v.toString(16)}`;

export async function readWord(
  ctx: StepContext,
  address: bigint,
  size: number = ctx.arch.wordSize,
): Promise<bigint | undefined> {
  if (address < 0n) return undefined;
  const bytes = await ctx.space.read(address, size);
  if (bytes === undefined || bytes.length < size) return undefined;
  return wordAt(bytes, 0, size, ctx.space.littleEndian);
}

/** The unsigned 32-bit value at `at` (no DataView per word: the scan decodes thousands of them). */
export function u32At(bytes: Uint8Array, at: number, little: boolean): number {
  const b0 = bytes[at] ?? 0;
  const b1 = bytes[at + 1] ?? 0;
  const b2 = bytes[at + 2] ?? 0;
  const b3 = bytes[at + 3] ?? 0;
  return little ? (b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)) >>> 0 : ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
}

/** The unsigned word of `size` bytes (8, 4, 2 or 1) at `at`. */
export function wordAt(bytes: Uint8Array, at: number, size: number, little: boolean): bigint {
  if (size === 8) {
    const first = u32At(bytes, at, little);
    const second = u32At(bytes, at + 4, little);
    return joinWords(little ? second : first, little ? first : second);
  }
  if (size === 4) return BigInt(u32At(bytes, at, little));
  if (size === 2) {
    const b0 = bytes[at] ?? 0;
    const b1 = bytes[at + 1] ?? 0;
    return BigInt(little ? b0 | (b1 << 8) : (b0 << 8) | b1);
  }
  return BigInt(bytes[at] ?? 0);
}

/** hi:lo as a bigint; through one exact double when it fits in 53 bits (user-space addresses always do). */
export function joinWords(hi: number, lo: number): bigint {
  if (hi === 0) return BigInt(lo);
  if (hi < 0x200000) return BigInt(hi * 0x100000000 + lo);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function stripped(ctx: StepContext, pc: bigint): bigint {
  return ctx.arch.stripPac === undefined ? pc : ctx.arch.stripPac(pc);
}

/** The pc to look unwind rows and modules up at: a return address may follow a call that ends a function. */
export function lookupPc(state: FrameState): bigint {
  return state.exactPc || state.pc === 0n ? state.pc : state.pc - 1n;
}

/** A CFI step; undefined when no module or no table row covers the pc (the next method is tried). */
export async function cfiStep(ctx: StepContext, state: FrameState): Promise<StepResult | undefined> {
  if (!ctx.arch.cfi) return undefined;
  const at = lookupPc(state);
  const module = await ctx.space.module(at);
  if (module === undefined) return undefined;
  const row = moduleCfi(module, ctx.space.littleEndian, ctx.arch.wordSize).row(at - module.bias);
  if (row === undefined) return undefined;
  return applyRow(ctx, state, row);
}

async function applyRow(ctx: StepContext, state: FrameState, row: CfiRow): Promise<StepResult> {
  const { arch } = ctx;
  const regs = state.regs;
  const expressionContext: ExpressionContext = {
    addressSize: arch.wordSize,
    little: ctx.space.littleEndian,
    register: (reg) => regs[reg],
    read: (address, size) => readWord(ctx, address, size),
  };
  const where = (): string => `at ${hex(state.pc)}`;
  let cfa: bigint | undefined;
  if (row.cfa.kind === 'register') {
    const base = regs[row.cfa.register];
    if (base === undefined) {
      return fail(
        'no-unwind-info',
        `the CFA ${where()} is computed from register ${row.cfa.register}, which is not known`,
      );
    }
    cfa = BigInt.asUintN(arch.wordSize * 8, base + row.cfa.offset);
  } else {
    const r = await evaluate(row.cfa.expression, expressionContext, []);
    if (!r.ok)
      return fail(r.reason === 'unreadable' ? 'unreadable' : 'no-unwind-info', `the CFA ${where()}: ${r.detail}`);
    cfa = r.value;
  }

  const ra = row.raColumn;
  const size = Math.max(regs.length, ra + 1);
  const next: (bigint | undefined)[] = new Array<bigint | undefined>(size).fill(undefined);
  for (let i = 0; i < regs.length; i++) if (arch.calleeSaved.has(i)) next[i] = regs[i];
  next[arch.sp] = cfa;
  let raValue: bigint | undefined = regs[ra];
  for (const [reg, rule] of row.rules) {
    if (reg > MAX_TRACKED_REGISTER && reg !== ra) continue;
    if (reg === ra && rule.kind === 'undefined') {
      return { kind: 'outermost', detail: `the unwind info marks ${hex(state.pc)} as the outermost frame` };
    }
    const value = await ruleValue(ctx, rule, reg, cfa, expressionContext);
    if (reg === ra) {
      if (!value.ok) {
        return fail(
          value.reason === 'unreadable' ? 'unreadable' : 'no-unwind-info',
          `the return address ${where()}: ${value.detail}`,
        );
      }
      raValue = value.value;
    } else if (reg < size || reg <= MAX_TRACKED_REGISTER) {
      next[reg] = value.ok ? value.value : undefined;
    }
  }
  if (raValue === undefined) {
    return fail('no-unwind-info', `the return address ${where()} has no rule and its register is not known`);
  }
  const pc = stripped(ctx, raValue);
  if (arch.raIsRegister) next[ra] = pc;
  if (pc === 0n) return { kind: 'outermost', detail: `the return address of the frame at ${hex(state.pc)} is 0` };
  return {
    kind: 'frame',
    state: { pc, regs: next, exactPc: row.signalFrame, chainFp: false },
    trust: 'cfi',
    signal: row.signalFrame,
  };
}

async function ruleValue(
  ctx: StepContext,
  rule: RegisterRule,
  reg: number,
  cfa: bigint,
  expressionContext: ExpressionContext,
): Promise<ExpressionResult> {
  const bits = ctx.arch.wordSize * 8;
  const load = async (address: bigint): Promise<ExpressionResult> => {
    const v = await readWord(ctx, address);
    return v === undefined
      ? { ok: false, reason: 'unreadable', detail: `the stack word at ${hex(address)} is not in the dump` }
      : { ok: true, value: v };
  };
  const known = (v: bigint | undefined, r: number): ExpressionResult =>
    v === undefined
      ? { ok: false, reason: 'unknown-register', detail: `register ${r} is not known` }
      : { ok: true, value: v };
  switch (rule.kind) {
    case 'undefined':
      return { ok: false, reason: 'invalid', detail: 'undefined' };
    case 'same':
      return known(expressionContext.register(reg), reg);
    case 'offset':
      return load(BigInt.asUintN(bits, cfa + rule.offset));
    case 'val-offset':
      return { ok: true, value: BigInt.asUintN(bits, cfa + rule.offset) };
    case 'register':
      return known(expressionContext.register(rule.register), rule.register);
    case 'expression': {
      const address = await evaluate(rule.expression, expressionContext, [cfa]);
      return address.ok ? load(address.value) : address;
    }
    case 'val-expression':
      return evaluate(rule.expression, expressionContext, [cfa]);
  }
}

export function fail(stop: 'unreadable' | 'no-unwind-info' | 'loop', detail: string): StepResult {
  return { kind: 'fail', stop, detail };
}

/**
 * The thread's stack bounds, when this frame's sp is inside them. A frame on another stack (the code a signal on a
 * sigaltstack interrupted, reached through the signal frame) is not held to the stack the walk started on.
 */
export function stackBounds(thread: UnwindThread, sp: bigint | undefined): { start?: bigint; end?: bigint } {
  if (sp === undefined) return { start: thread.stackStart, end: thread.stackEnd };
  if (thread.stackStart !== undefined && sp < thread.stackStart) return {};
  if (thread.stackEnd !== undefined && sp >= thread.stackEnd) return {};
  return { start: thread.stackStart, end: thread.stackEnd };
}

/**
 * Whether `pc` can be a return address: executable memory outside the thread's own stack. Stacks are executable in
 * old or execstack-marked processes, and a frame record at a chain's top can hold a stack address.
 */
export function codeAddress(ctx: StepContext, pc: bigint): boolean {
  const { stackStart, stackEnd } = ctx.thread;
  if (stackStart !== undefined && stackEnd !== undefined && pc >= stackStart && pc < stackEnd) return false;
  return ctx.space.executable(pc);
}

/** A frame-record step: [fp + savedFp] is the caller's fp, [fp + returnAddress] the return address. */
export async function fpStep(ctx: StepContext, state: FrameState): Promise<StepResult | undefined> {
  const { arch, thread } = ctx;
  const layout = arch.frameRecord;
  if (layout === undefined) return undefined;
  const fp = state.regs[arch.fp];
  const sp = state.regs[arch.sp];
  if (fp === undefined) return fail('no-unwind-info', `the frame pointer at ${hex(state.pc)} is not known`);
  if (fp === 0n) {
    // Where CFI exists, frame 0's or a CFI frame's fp may be a general register that holds 0: the scan goes on.
    return state.chainFp || !arch.cfi
      ? { kind: 'outermost', detail: `the frame pointer chain ends (fp 0) at ${hex(state.pc)}` }
      : fail('no-unwind-info', `the frame pointer at ${hex(state.pc)} is 0`);
  }
  const w = BigInt(arch.wordSize);
  if (fp % w !== 0n) return fail('no-unwind-info', `the frame pointer ${hex(fp)} is not word-aligned`);
  const low = fp + BigInt(Math.min(layout.savedFp, layout.returnAddress));
  const high = fp + BigInt(Math.max(layout.savedFp, layout.returnAddress)) + w;
  const callerSp = fp + BigInt(layout.callerSp);
  const { start, end } = stackBounds(thread, sp);
  if (start !== undefined && low < start) {
    return fail('no-unwind-info', `the frame pointer ${hex(fp)} is below the stack (${hex(start)})`);
  }
  if (end !== undefined && (high > end || callerSp > end)) {
    return fail('no-unwind-info', `the frame pointer ${hex(fp)} is past the stack's end (${hex(end)})`);
  }
  if (sp !== undefined && callerSp <= sp) {
    return fail(
      'loop',
      `the frame pointer chain does not go up the stack: the caller's sp ${hex(callerSp)} is not above ${hex(sp)}`,
    );
  }
  const savedFp = await readWord(ctx, fp + BigInt(layout.savedFp));
  const raAddress = fp + BigInt(layout.returnAddress);
  const rawRa = await readWord(ctx, raAddress);
  if (savedFp === undefined || rawRa === undefined) {
    return fail('unreadable', `the frame record at ${hex(fp)} is not in the dump`);
  }
  const pc = stripped(ctx, rawRa);
  if (pc === 0n) return { kind: 'outermost', detail: `the frame record at ${hex(fp)} holds return address 0` };
  if (!codeAddress(ctx, pc)) {
    return fail('no-unwind-info', `the frame record at ${hex(fp)} holds ${hex(pc)}, which is not code`);
  }
  const regs: (bigint | undefined)[] = new Array<bigint | undefined>(state.regs.length).fill(undefined);
  regs[arch.sp] = callerSp;
  regs[arch.fp] = savedFp;
  return { kind: 'frame', state: { pc, regs, exactPc: false, chainFp: true }, trust: 'fp', signal: false };
}
