/**
 * A stack's identity across two dumps. Within one dump, groupStacks (model/stack-groups.ts) may fall back to raw
 * pcs; between two dumps it cannot: address-space layout randomisation loads the same library at another address
 * in each process. So a frame is named by its symbol in its module where the symbol is known, else by its offset
 * in its module (the same file maps the same code at the same offset), and a frame in no module (JIT code,
 * unmapped memory) only by what it is.
 */
import type { ReportFrame } from '../format/report-document';

export function frameSignature(frame: ReportFrame): string {
  const module = frame.module ?? '';
  if (frame.symbol !== undefined && frame.symbol !== '') return `${module}!${frame.symbol}`;
  if (frame.module !== undefined && frame.offset !== undefined) return `${module}+0x${frame.offset.toString(16)}`;
  return frame.jit ? '<jit>' : '<unknown>';
}

/** The frames' signatures, innermost first, one a line. */
export function groupSignature(frames: readonly ReportFrame[] | undefined): string {
  return (frames ?? []).map(frameSignature).join('\n');
}
