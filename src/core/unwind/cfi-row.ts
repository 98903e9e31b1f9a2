/**
 * The row of the call frame table that holds one pc: the CIE's initial instructions then the FDE's, run up to
 * the pc (DWARF 5 §6.4.2, "Call Frame Instructions"). A row says how to find the CFA and, per register, where
 * the caller's value is. Expressions are kept as byte ranges of the section and evaluated by the unwinder.
 */
import { CfiError, DwarfCursor, PE } from './dwarf-cursor';
import type { Fde, FrameSection } from './cfi-entries';

export type RegisterRule =
  | { readonly kind: 'undefined' }
  | { readonly kind: 'same' }
  /** Saved at CFA + offset. */
  | { readonly kind: 'offset'; readonly offset: bigint }
  /** The value is CFA + offset. */
  | { readonly kind: 'val-offset'; readonly offset: bigint }
  | { readonly kind: 'register'; readonly register: number }
  /** Saved at the address the expression computes (the CFA pushed first). */
  | { readonly kind: 'expression'; readonly expression: Uint8Array }
  /** The value is what the expression computes (the CFA pushed first). */
  | { readonly kind: 'val-expression'; readonly expression: Uint8Array };

export type CfaRule =
  | { readonly kind: 'register'; readonly register: number; readonly offset: bigint }
  | { readonly kind: 'expression'; readonly expression: Uint8Array };

export interface CfiRow {
  /** The row's pc range, link-time: [start, end). */
  readonly start: bigint;
  readonly end: bigint;
  readonly cfa: CfaRule;
  /** Registers with a rule; a register without one is "unspecified" (the unwinder decides). */
  readonly rules: ReadonlyMap<number, RegisterRule>;
  readonly raColumn: number;
  /** The FDE's CIE has 'S': this frame is a signal trampoline. */
  readonly signalFrame: boolean;
  /** aarch64: DW_CFA_AARCH64_negate_ra_state toggled an odd number of times (the return address is signed). */
  readonly raSigned: boolean;
}

/** DW_CFA_* opcodes (DWARF 5 Table 7.29, plus the GNU and AArch64 extensions compilers emit). */
const CFA = {
  nop: 0x00,
  setLoc: 0x01,
  advanceLoc1: 0x02,
  advanceLoc2: 0x03,
  advanceLoc4: 0x04,
  offsetExtended: 0x05,
  restoreExtended: 0x06,
  undefined: 0x07,
  sameValue: 0x08,
  register: 0x09,
  rememberState: 0x0a,
  restoreState: 0x0b,
  defCfa: 0x0c,
  defCfaRegister: 0x0d,
  defCfaOffset: 0x0e,
  defCfaExpression: 0x0f,
  expression: 0x10,
  offsetExtendedSf: 0x11,
  defCfaSf: 0x12,
  defCfaOffsetSf: 0x13,
  valOffset: 0x14,
  valOffsetSf: 0x15,
  valExpression: 0x16,
  mipsAdvanceLoc8: 0x1d,
  gnuWindowSave: 0x2d, // also DW_CFA_AARCH64_negate_ra_state
  gnuArgsSize: 0x2e,
  gnuNegativeOffsetExtended: 0x2f,
} as const;

/** remember_state nesting: real code nests one or two deep; a damaged table must not grow memory. */
const MAX_STATE_DEPTH = 64;

interface State {
  cfa: CfaRule | undefined;
  rules: Map<number, RegisterRule>;
  raSigned: boolean;
}

function copyState(s: State): State {
  return { cfa: s.cfa, rules: new Map(s.rules), raSigned: s.raSigned };
}

/**
 * Runs instructions [start, end) of `section`. With `target`, stops before the first advance past it and
 * reports the location range; `initial` is the CIE's state, for DW_CFA_restore.
 */
function run(
  section: FrameSection,
  fde: Fde | undefined,
  start: number,
  end: number,
  state: State,
  initial: State | undefined,
  target: bigint,
  location: { loc: bigint; next: bigint },
): void {
  const cie = fde?.cie;
  if (cie === undefined) throw new CfiError('instructions without a CIE');
  const c = new DwarfCursor(section.bytes, section.little, start, end);
  const stack: State[] = [];
  const codeAlign = BigInt(cie.codeAlign);
  const dataAlign = BigInt(cie.dataAlign);
  const advance = (delta: bigint): boolean => {
    const next = location.loc + delta * codeAlign;
    if (next > target) {
      location.next = next;
      return true;
    }
    location.loc = next;
    return false;
  };
  const setRule = (reg: number, rule: RegisterRule): void => {
    if (reg > 1000) throw new CfiError(`register ${reg} is out of range`);
    state.rules.set(reg, rule);
  };
  const restore = (reg: number): void => {
    const rule = initial?.rules.get(reg);
    if (rule === undefined) state.rules.delete(reg);
    else state.rules.set(reg, rule);
  };
  const block = (): Uint8Array => {
    const length = c.ulebSmall();
    const at = c.pos;
    c.skip(length);
    return section.bytes.subarray(at, at + length);
  };
  while (!c.atEnd) {
    const op = c.u8();
    const high = op & 0xc0;
    const low = op & 0x3f;
    if (high === 0x40) {
      if (advance(BigInt(low))) return;
      continue;
    }
    if (high === 0x80) {
      setRule(low, { kind: 'offset', offset: BigInt(c.ulebSmall()) * dataAlign });
      continue;
    }
    if (high === 0xc0) {
      restore(low);
      continue;
    }
    switch (op) {
      case CFA.nop:
        break;
      case CFA.setLoc: {
        const encoding = section.kind === 'eh' ? cie.fdeEncoding : PE.absptr;
        const p = c.pointer(encoding, cie.addressSize, { section: section.vaddr });
        if (p === undefined || p.indirect) throw new CfiError('DW_CFA_set_loc with an unusable address');
        if (p.value > target) {
          location.next = p.value;
          return;
        }
        location.loc = p.value;
        break;
      }
      case CFA.advanceLoc1:
        if (advance(BigInt(c.u8()))) return;
        break;
      case CFA.advanceLoc2:
        if (advance(BigInt(c.u16()))) return;
        break;
      case CFA.advanceLoc4:
        if (advance(BigInt(c.u32()))) return;
        break;
      case CFA.mipsAdvanceLoc8:
        if (advance(c.u64())) return;
        break;
      case CFA.offsetExtended: {
        const reg = c.ulebSmall();
        setRule(reg, { kind: 'offset', offset: BigInt(c.ulebSmall()) * dataAlign });
        break;
      }
      case CFA.offsetExtendedSf: {
        const reg = c.ulebSmall();
        setRule(reg, { kind: 'offset', offset: c.sleb() * dataAlign });
        break;
      }
      case CFA.gnuNegativeOffsetExtended: {
        const reg = c.ulebSmall();
        setRule(reg, { kind: 'offset', offset: -BigInt(c.ulebSmall()) * dataAlign });
        break;
      }
      case CFA.valOffset: {
        const reg = c.ulebSmall();
        setRule(reg, { kind: 'val-offset', offset: BigInt(c.ulebSmall()) * dataAlign });
        break;
      }
      case CFA.valOffsetSf: {
        const reg = c.ulebSmall();
        setRule(reg, { kind: 'val-offset', offset: c.sleb() * dataAlign });
        break;
      }
      case CFA.restoreExtended:
        restore(c.ulebSmall());
        break;
      case CFA.undefined:
        setRule(c.ulebSmall(), { kind: 'undefined' });
        break;
      case CFA.sameValue:
        setRule(c.ulebSmall(), { kind: 'same' });
        break;
      case CFA.register: {
        const reg = c.ulebSmall();
        setRule(reg, { kind: 'register', register: c.ulebSmall() });
        break;
      }
      case CFA.rememberState:
        if (stack.length >= MAX_STATE_DEPTH) throw new CfiError('DW_CFA_remember_state nested too deep');
        stack.push(copyState(state));
        break;
      case CFA.restoreState: {
        const saved = stack.pop();
        if (saved === undefined) throw new CfiError('DW_CFA_restore_state without a remembered state');
        // The CFA is part of the remembered row too (DWARF 5 §6.4.2.4).
        state.cfa = saved.cfa;
        state.rules = saved.rules;
        state.raSigned = saved.raSigned;
        break;
      }
      case CFA.defCfa: {
        const reg = c.ulebSmall();
        state.cfa = { kind: 'register', register: reg, offset: BigInt(c.ulebSmall()) };
        break;
      }
      case CFA.defCfaSf: {
        const reg = c.ulebSmall();
        state.cfa = { kind: 'register', register: reg, offset: c.sleb() * dataAlign };
        break;
      }
      case CFA.defCfaRegister: {
        const reg = c.ulebSmall();
        const offset = state.cfa?.kind === 'register' ? state.cfa.offset : 0n;
        state.cfa = { kind: 'register', register: reg, offset };
        break;
      }
      case CFA.defCfaOffset:
      case CFA.defCfaOffsetSf: {
        const offset = op === CFA.defCfaOffset ? BigInt(c.ulebSmall()) : c.sleb() * dataAlign;
        if (state.cfa?.kind === 'register') state.cfa = { ...state.cfa, offset };
        break;
      }
      case CFA.defCfaExpression:
        state.cfa = { kind: 'expression', expression: block() };
        break;
      case CFA.expression: {
        const reg = c.ulebSmall();
        setRule(reg, { kind: 'expression', expression: block() });
        break;
      }
      case CFA.valExpression: {
        const reg = c.ulebSmall();
        setRule(reg, { kind: 'val-expression', expression: block() });
        break;
      }
      case CFA.gnuArgsSize:
        c.ulebSmall(); // the outgoing argument area: matters to a landing pad, not to the CFA
        break;
      case CFA.gnuWindowSave:
        // On aarch64 this is DW_CFA_AARCH64_negate_ra_state (pointer authentication). SPARC register windows are
        // not unwound here.
        state.raSigned = !state.raSigned;
        break;
      default:
        throw new CfiError(`unknown call frame instruction 0x${op.toString(16)}`);
    }
  }
}

/** The CIE's initial state (cached by the caller per CIE would save little: a CIE runs a handful of ops). */
function initialState(section: FrameSection, fde: Fde): State {
  const state: State = { cfa: undefined, rules: new Map(), raSigned: false };
  const location = { loc: 0n, next: 0n };
  // The initial instructions describe the function's entry; no advance belongs there, so run them all.
  run(section, fde, fde.cie.instructionsStart, fde.cie.instructionsEnd, state, undefined, (1n << 64n) - 1n, location);
  return state;
}

/** The row of `fde` that holds link-time `pc`. Throws CfiError on damaged instructions. */
export function rowFor(section: FrameSection, fde: Fde, pc: bigint): CfiRow {
  const initial = initialState(section, fde);
  const state = copyState(initial);
  const location = { loc: fde.pcBegin, next: fde.pcEnd };
  run(section, fde, fde.instructionsStart, fde.instructionsEnd, state, initial, pc, location);
  if (state.cfa === undefined) throw new CfiError(`FDE at ${fde.offset} defines no CFA`);
  return {
    start: location.loc,
    end: location.next < fde.pcEnd ? location.next : fde.pcEnd,
    cfa: state.cfa,
    rules: state.rules,
    raColumn: fde.cie.raColumn,
    signalFrame: fde.cie.signalFrame,
    raSigned: state.raSigned,
  };
}
