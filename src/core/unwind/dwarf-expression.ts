/**
 * A DWARF expression evaluator (DWARF 5 §2.5) for call frame rules: enough for what glibc, gcc and clang emit
 * (signal trampolines, PLT entries, stack realignment, __morestack), with a cap on steps and stack depth so that a
 * damaged or malicious expression (a backward DW_OP_skip forever) ends instead of hanging the walk.
 */
import { CfiError, DwarfCursor } from './dwarf-cursor';

/** What an expression may read: registers (undefined = unknown) and memory (undefined = not in the dump). */
export interface ExpressionContext {
  readonly addressSize: 4 | 8;
  readonly little: boolean;
  register(reg: number): bigint | undefined;
  read(address: bigint, size: number): Promise<bigint | undefined>;
}

/** Why an evaluation gave no value, in words (the unwinder's stop detail). */
export type ExpressionResult =
  | { readonly ok: true; readonly value: bigint }
  | { readonly ok: false; readonly reason: 'unknown-register' | 'unreadable' | 'invalid'; readonly detail: string };

const MAX_STEPS = 10_000;
const MAX_STACK = 1_000;

/** Evaluates `expression` with `initial` pushed first (the CFA for register rules). Never throws. */
export async function evaluate(
  expression: Uint8Array,
  context: ExpressionContext,
  initial: bigint[],
): Promise<ExpressionResult> {
  const width = context.addressSize === 4 ? 32 : 64;
  const u = (v: bigint): bigint => BigInt.asUintN(width, v);
  const s = (v: bigint): bigint => BigInt.asIntN(width, v);
  const stack: bigint[] = initial.map(u);
  const c = new DwarfCursor(expression, context.little);
  const pop = (): bigint => {
    const v = stack.pop();
    if (v === undefined) throw new CfiError('expression stack underflow');
    return v;
  };
  const push = (v: bigint): void => {
    if (stack.length >= MAX_STACK) throw new CfiError('expression stack overflow');
    stack.push(u(v));
  };
  const register = (reg: number): bigint => {
    const v = context.register(reg);
    if (v === undefined) throw new UnknownRegister(reg);
    return v;
  };
  const deref = async (address: bigint, size: number): Promise<bigint> => {
    const v = await context.read(address, size);
    if (v === undefined) throw new Unreadable(address);
    return v;
  };
  try {
    for (let steps = 0; !c.atEnd; steps++) {
      if (steps >= MAX_STEPS) return { ok: false, reason: 'invalid', detail: `expression ran over ${MAX_STEPS} steps` };
      const op = c.u8();
      if (op >= 0x30 && op <= 0x4f) {
        push(BigInt(op - 0x30)); // DW_OP_lit0..31
        continue;
      }
      if (op >= 0x70 && op <= 0x8f) {
        push(register(op - 0x70) + c.sleb()); // DW_OP_breg0..31
        continue;
      }
      if (op >= 0x50 && op <= 0x6f) {
        push(register(op - 0x50)); // DW_OP_reg0..31 (a location, read as its value by some producers)
        continue;
      }
      switch (op) {
        case 0x03: // addr
          push(c.word(context.addressSize));
          break;
        case 0x06: // deref
          push(await deref(pop(), context.addressSize));
          break;
        case 0x94: {
          // deref_size
          const size = c.u8();
          if (size < 1 || size > context.addressSize) throw new CfiError(`DW_OP_deref_size ${size}`);
          push(await deref(pop(), size));
          break;
        }
        case 0x08:
          push(BigInt(c.u8()));
          break;
        case 0x09:
          push(BigInt(c.i8()));
          break;
        case 0x0a:
          push(BigInt(c.u16()));
          break;
        case 0x0b:
          push(BigInt(c.i16()));
          break;
        case 0x0c:
          push(BigInt(c.u32()));
          break;
        case 0x0d:
          push(BigInt(c.i32()));
          break;
        case 0x0e:
          push(c.u64());
          break;
        case 0x0f:
          push(c.i64());
          break;
        case 0x10:
          push(c.uleb());
          break;
        case 0x11:
          push(c.sleb());
          break;
        case 0x12: {
          const v = pop();
          push(v);
          push(v);
          break;
        }
        case 0x13:
          pop();
          break;
        case 0x14: {
          const a = stack[stack.length - 2];
          if (a === undefined) throw new CfiError('DW_OP_over on a short stack');
          push(a);
          break;
        }
        case 0x15: {
          const a = stack[stack.length - 1 - c.u8()];
          if (a === undefined) throw new CfiError('DW_OP_pick past the stack');
          push(a);
          break;
        }
        case 0x16: {
          const a = pop();
          const b = pop();
          push(a);
          push(b);
          break;
        }
        case 0x17: {
          const a = pop();
          const b = pop();
          const d = pop();
          push(a);
          push(d);
          push(b);
          break;
        }
        case 0x19: {
          const v = s(pop());
          push(v < 0n ? -v : v);
          break;
        }
        case 0x1f:
          push(-pop());
          break;
        case 0x20:
          push(~pop());
          break;
        case 0x23:
          push(pop() + c.uleb());
          break;
        case 0x1a:
        case 0x1b:
        case 0x1c:
        case 0x1d:
        case 0x1e:
        case 0x21:
        case 0x22:
        case 0x24:
        case 0x25:
        case 0x26:
        case 0x27:
        case 0x29:
        case 0x2a:
        case 0x2b:
        case 0x2c:
        case 0x2d:
        case 0x2e: {
          const b = pop();
          const a = pop();
          push(binary(op, a, b, s, width));
          break;
        }
        case 0x2f: // skip
          jump(c, c.i16());
          break;
        case 0x28: {
          // bra
          const offset = c.i16();
          if (pop() !== 0n) jump(c, offset);
          break;
        }
        case 0x90: // regx
          push(register(c.ulebSmall()));
          break;
        case 0x92: {
          // bregx
          const reg = c.ulebSmall();
          push(register(reg) + c.sleb());
          break;
        }
        case 0x96: // nop
          break;
        default:
          return { ok: false, reason: 'invalid', detail: `unsupported DWARF operation 0x${op.toString(16)}` };
      }
    }
    const value = stack.pop();
    if (value === undefined) return { ok: false, reason: 'invalid', detail: 'expression left an empty stack' };
    return { ok: true, value };
  } catch (e) {
    if (e instanceof UnknownRegister) {
      return { ok: false, reason: 'unknown-register', detail: `expression reads register ${e.reg}, not known here` };
    }
    if (e instanceof Unreadable) {
      return {
        ok: false,
        reason: 'unreadable',
        detail: `expression reads 0x${e.address.toString(16)}, not in the dump`,
      };
    }
    if (e instanceof CfiError || e instanceof RangeError) {
      return { ok: false, reason: 'invalid', detail: `bad expression: ${e.message}` };
    }
    throw e;
  }
}

class UnknownRegister extends Error {
  constructor(readonly reg: number) {
    super(`register ${reg}`);
  }
}

class Unreadable extends Error {
  constructor(readonly address: bigint) {
    super(`0x${address.toString(16)}`);
  }
}

function jump(c: DwarfCursor, offset: number): void {
  const to = c.pos + offset;
  if (to < 0 || to > c.end) throw new CfiError('branch out of the expression');
  c.pos = to;
}

function binary(op: number, a: bigint, b: bigint, s: (v: bigint) => bigint, width: number): bigint {
  const bool = (x: boolean): bigint => (x ? 1n : 0n);
  switch (op) {
    case 0x1a:
      return a & b;
    case 0x1b:
      if (b === 0n) throw new CfiError('division by zero');
      return s(a) / s(b);
    case 0x1c:
      return a - b;
    case 0x1d:
      if (b === 0n) throw new CfiError('modulo by zero');
      return a % b;
    case 0x1e:
      return a * b;
    case 0x21:
      return a | b;
    case 0x22:
      return a + b;
    case 0x24:
      return b >= BigInt(width) ? 0n : a << b;
    case 0x25:
      return b >= BigInt(width) ? 0n : a >> b;
    case 0x26:
      return s(a) >> (b >= BigInt(width) ? BigInt(width - 1) : b);
    case 0x27:
      return a ^ b;
    case 0x29:
      return bool(a === b);
    case 0x2a:
      return bool(s(a) >= s(b));
    case 0x2b:
      return bool(s(a) > s(b));
    case 0x2c:
      return bool(s(a) <= s(b));
    case 0x2d:
      return bool(s(a) < s(b));
    default:
      return bool(a !== b);
  }
}
