/**
 * One frame as one short line of text, the same everywhere a frame is shown (the Threads view, `--stacks`, the
 * findings' frame lists):
 *
 *   libc.so.6!__recv+0x24         in a module, with a symbol: module base name, `!`, symbol, offset in the symbol
 *   blocked!conn_thread           at a symbol's first byte: no `+0x0`
 *   libc.so.6+0x10aae7            in a module, no symbol covers it: offset from the module's start
 *   [JIT] Socket.Receive(…)+0x12  a runtime's perf map named it (JIT code has no module: the prefix says where
 *                                 the name comes from and keeps it apart from a native symbol of the same text)
 *   [JIT code] 0x7f3a1c2b4e10     JIT code nobody named
 *   0x7f3a1c2b4e10                anything else
 *
 * The module's base name only, as eu-stack, WinDbg and dotnet-dump print it: the full path is in the modules list.
 */
import type { Frame } from '../types';
import { basename } from './address-label';

export function frameText(frame: Frame): string {
  const { module, symbol } = frame;
  if (symbol !== undefined && symbol !== '') {
    const named = `${symbol}${plusHex(frame.symbolOffset)}`;
    if (module !== undefined && frame.symbolSource !== 'perfmap') return `${basename(module)}!${named}`;
    if (frame.symbolSource === 'perfmap' || frame.jit === true) return `[JIT] ${named}`;
    return named;
  }
  if (module !== undefined && frame.offset !== undefined) return `${basename(module)}+0x${frame.offset.toString(16)}`;
  if (frame.jit === true) return `[JIT code] 0x${frame.pc.toString(16)}`;
  return `0x${frame.pc.toString(16)}`;
}

/** `+0x24`, or nothing for offset 0 (or no offset): `f+0x0` says no more than `f`. */
function plusHex(offset: number | undefined): string {
  return offset === undefined || offset === 0 ? '' : `+0x${offset.toString(16)}`;
}
