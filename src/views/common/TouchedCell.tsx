/**
 * A touched-bytes cell. Before the census reaches the row: "…" (running) or "?" (the census stopped without it).
 * A region with nothing in the dump shows "—", never "0b": its content is unknown, not zero. A region partly in
 * the dump says so in the hover text, since the rest may be touched too.
 */
import type { ReactNode } from 'react';
import { humanSize, maddressSize } from '../../core/format/size';
import type { CensusStatus } from '../../state/census-data';
import { useCensusState } from './census-context';

export interface TouchedCellProps {
  /** NaN or undefined: no census result for the row. */
  readonly bytes: number | undefined;
  readonly size: number;
  readonly inDump: number;
  readonly status: CensusStatus | undefined;
}

export function TouchedCell({ bytes, size, inDump, status }: TouchedCellProps): ReactNode {
  if (bytes === undefined || Number.isNaN(bytes)) {
    if (status === 'running')
      return (
        <span className="muted" title="Not scanned yet">
          …
        </span>
      );
    if (status === undefined)
      return (
        <span className="muted" title="The census has not run">
          –
        </span>
      );
    return (
      <span className="warn" title="The census stopped before this region was scanned">
        ?
      </span>
    );
  }
  if (inDump === 0) {
    return (
      <span className="muted" title="None of this region is in the dump: its content is unknown">
        —
      </span>
    );
  }
  const partial = inDump < size;
  return (
    <span
      title={
        partial
          ? `${humanSize(bytes)} touched of the ${humanSize(inDump)} in the dump; ${humanSize(size - inDump)} is not in the dump (unknown)`
          : undefined
      }
    >
      {maddressSize(bytes)}
      {partial ? '*' : ''}
    </span>
  );
}

/** The Touched cell of region `index`, reading the census from context (see census-context.ts). */
export function RegionTouchedCell({
  index,
  size,
  inDump,
}: {
  readonly index: number;
  readonly size: number;
  readonly inDump: number;
}): ReactNode {
  const census = useCensusState();
  return <TouchedCell bytes={census?.data.touched[index]} size={size} inDump={inDump} status={census?.status} />;
}
