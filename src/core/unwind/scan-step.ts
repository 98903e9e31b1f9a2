/**
 * The stack scan, the last resort: the first word at or above sp that points just after a call instruction in
 * executable memory. The window (at most MAX_SCAN_WORDS words, inside the thread's stack) is read in a few growing
 * chunks and decoded in place; words that cannot be a return address (the first page's small numbers, pointers
 * into the stack itself) are passed over before a bigint is made, since an 800-thread dump without binaries scans
 * hundreds of thousands of words.
 */
import { callSiteWindow, endsWithCall } from './call-site';
import {
  fail,
  hex,
  joinWords,
  readWord,
  stackBounds,
  stripped,
  u32At,
  type FrameState,
  type StepContext,
  type StepResult,
} from './unwind-steps';

/** How far above sp a scan looks for a return address (Breakpad looks 40–120 words; JIT frames can be large). */
export const MAX_SCAN_WORDS = 1024;
/** Page 0 holds no code: smaller words are counts, flags and offsets. */
const LOWEST_CODE = 0x1000;

export async function scanStep(ctx: StepContext, state: FrameState): Promise<StepResult | undefined> {
  const { arch, thread } = ctx;
  if (arch.callSite === undefined) return undefined;
  const sp = state.regs[arch.sp];
  if (sp === undefined) return fail('no-unwind-info', `sp is not known at ${hex(state.pc)}`);
  const w = arch.wordSize;
  const bounds = stackBounds(thread, sp);
  let end = sp + BigInt(MAX_SCAN_WORDS * w);
  if (bounds.end !== undefined && bounds.end < end) end = bounds.end;
  const span = end > sp ? Number(end - sp) : 0;
  const total = span - (span % w);
  // Pointers into the stack (saved frame pointers, locals' addresses) are the commonest large words there.
  const stack = { low: Number(bounds.start ?? sp), high: Number(bounds.end ?? end) };
  let readAny = false;
  for (let offset = 0, chunk = FIRST_CHUNK; offset < total; offset += chunk, chunk *= 2) {
    const length = Math.min(chunk, total - offset);
    const base = sp + BigInt(offset);
    const bytes = await readPrefix(ctx, base, length);
    if (bytes === undefined) break;
    readAny = true;
    const found = await firstReturnAddress(ctx, bytes, stack);
    if (found !== undefined) return scanFrame(ctx, state, base + BigInt(found.at), found.value);
    if (bytes.length < length) break; // the dump's part of the stack ends inside this chunk
  }
  if (!readAny) return fail('unreadable', `the stack at ${hex(sp)} is not in the dump`);
  return fail('no-unwind-info', `no return address in the stack from ${hex(sp)} to ${hex(end)}`);
}

/**
 * The scan reads a small first chunk and doubles it: most return addresses are a few words above sp (the scan
 * stops at the first), and a read within one of the memory's cached pages is a view, not a copy.
 */
const FIRST_CHUNK = 512;

/** The offset and value of the first word in `bytes` that is a return address. */
async function firstReturnAddress(
  ctx: StepContext,
  bytes: Uint8Array,
  stack: { low: number; high: number },
): Promise<{ at: number; value: bigint } | undefined> {
  const { space } = ctx;
  const w = ctx.arch.wordSize;
  const little = space.littleEndian;
  for (let at = 0; at + w <= bytes.length; at += w) {
    let raw: bigint;
    if (w === 8) {
      const first = u32At(bytes, at, little);
      const second = u32At(bytes, at + 4, little);
      const hi = little ? second : first;
      const lo = little ? first : second;
      if (hi === 0 && lo < LOWEST_CODE) continue;
      const approx = hi * 0x100000000 + lo;
      if (approx >= stack.low && approx < stack.high) continue;
      raw = joinWords(hi, lo);
    } else {
      const v = u32At(bytes, at, little);
      if (v < LOWEST_CODE || (v >= stack.low && v < stack.high)) continue;
      raw = BigInt(v);
    }
    const value = stripped(ctx, raw);
    if (value !== 0n && space.executable(value) && (await isCallSite(ctx, value))) return { at, value };
  }
  return undefined;
}

/** The caller found at stack `slot`: its sp is just above the slot; its fp is the frame record's when it was one. */
async function scanFrame(ctx: StepContext, state: FrameState, slot: bigint, pc: bigint): Promise<StepResult> {
  const { arch } = ctx;
  const regs: (bigint | undefined)[] = new Array<bigint | undefined>(state.regs.length).fill(undefined);
  regs[arch.sp] = slot + BigInt(arch.wordSize);
  const fp = state.regs[arch.fp];
  const record = arch.frameRecord;
  const fromRecord = fp !== undefined && record !== undefined && slot === fp + BigInt(record.returnAddress);
  regs[arch.fp] = fromRecord ? await readWord(ctx, fp + BigInt(record.savedFp)) : fp;
  return {
    kind: 'frame',
    state: { pc, regs, exactPc: false, chainFp: fromRecord || state.chainFp },
    trust: 'scan',
    signal: false,
  };
}

/**
 * `length` bytes at `base` in one read; when they run past what the dump holds of the stack, their longest
 * readable prefix (a binary search by words: a few more reads, of pages already cached). Undefined when not even
 * the first word is there.
 */
async function readPrefix(ctx: StepContext, base: bigint, length: number): Promise<Uint8Array | undefined> {
  const w = ctx.arch.wordSize;
  if (length < w) return undefined;
  const whole = await ctx.space.read(base, length);
  if (whole !== undefined && whole.length >= length) return whole;
  let good: Uint8Array | undefined;
  let lo = 0;
  let hi = Math.floor(length / w);
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    const bytes = await ctx.space.read(base, mid * w);
    if (bytes !== undefined && bytes.length >= mid * w) {
      good = bytes;
      lo = mid;
    } else hi = mid;
  }
  return good;
}

/**
 * Whether `address` follows a call. The call's last byte must be code too (a return address never starts a
 * mapping). When the code bytes before it are in neither the dump nor a provided file, a module's text address is
 * accepted on its own (a library that was not provided still has return addresses into it); JIT code (no module)
 * must show its call instruction.
 */
async function isCallSite(ctx: StepContext, address: bigint): Promise<boolean> {
  const kind = ctx.arch.callSite;
  if (kind === undefined || !ctx.space.executable(address - 1n)) return false;
  const window = callSiteWindow(kind);
  const bytes = await ctx.space.read(address - BigInt(window), window);
  if (bytes !== undefined && bytes.length === window) return endsWithCall(kind, bytes);
  return (await ctx.space.module(address)) !== undefined;
}
