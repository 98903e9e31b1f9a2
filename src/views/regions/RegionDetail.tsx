/** The selected region in full: what the row abbreviates, the census, the heuristic behind its kind, its thread. */
import type { ReactNode } from 'react';
import type { RegionColumns } from '../../../workers/engine-protocol';
import type { CensusState } from '../../state/census-data';
import { hexAddress, windbgAddress } from '../../core/format/address';
import { groupedBytes, humanSize } from '../../core/format/size';
import { useCensusState } from '../common/census-context';

export interface RegionDetailProps {
  readonly cols: RegionColumns;
  readonly index: number;
  readonly bits: 32 | 64;
  readonly onShowThread: (tid: number) => void;
  readonly onShowMemory?: (address: bigint) => void;
}

function touchedText(census: CensusState | undefined, index: number, inDump: number): string {
  const t = census?.data.touched[index];
  if (census === undefined) return 'not scanned (the census has not run)';
  if (t === undefined || Number.isNaN(t))
    return census.status === 'running' ? 'scanning…' : 'unknown: the census stopped before this region';
  if (inDump === 0) return 'unknown: none of the region is in the dump';
  return `${humanSize(t)} of the ${humanSize(inDump)} in the dump hold non-zero bytes (${inDump > 0 ? ((t / inDump) * 100).toFixed(1) : '0'} %)`;
}

export function RegionDetail({ cols, index, bits, onShowThread, onShowMemory }: RegionDetailProps): ReactNode {
  const census = useCensusState();
  const start = cols.start[index] ?? 0n;
  const end = cols.end[index] ?? 0n;
  const size = cols.size[index] ?? 0;
  const inDump = cols.inDump[index] ?? 0;
  const image = cols.images[cols.image[index] ?? -1];
  const tid = cols.tid[index] ?? -1;
  const heuristic = cols.heuristics[cols.heuristic[index] ?? -1];
  return (
    <section className="detail" aria-label="Selected region">
      <dl>
        <dt>Range</dt>
        <dd>
          <span className="mono">
            {windbgAddress(start, bits)} – {windbgAddress(end - 1n, bits)}
          </span>{' '}
          {onShowMemory !== undefined && (
            <button type="button" onClick={() => onShowMemory(start)}>
              Show memory
            </button>
          )}
        </dd>
        <dt>Size</dt>
        <dd>
          {humanSize(size)} <span className="muted">({groupedBytes(size)} bytes)</span>
        </dd>
        <dt>In dump</dt>
        <dd>
          {humanSize(inDump)}
          {inDump < size && (
            <span className="muted"> — {humanSize(size - inDump)} mapped but not in the dump (unknown, not zeros)</span>
          )}
          {cols.truncated[index] === 1 && <span className="warn"> — the dump file ends inside this region</span>}
          {inDump > 0 && (
            <span className="muted"> at file offset {hexAddress(BigInt(cols.dumpOffset[index] ?? 0))}</span>
          )}
        </dd>
        <dt>Touched</dt>
        <dd>{touchedText(census, index, inDump)}</dd>
        <dt>Access</dt>
        <dd className="mono">
          {cols.permsTable[cols.perms[index] ?? 0]} · {cols.protects[cols.protect[index] ?? 0]} ·{' '}
          {cols.types[cols.type[index] ?? 0]} · {cols.states[cols.state[index] ?? 0]}
        </dd>
        {image !== undefined && (
          <>
            <dt>Image</dt>
            <dd className="path">{image}</dd>
          </>
        )}
        {heuristic !== undefined && (
          <>
            <dt>Kind</dt>
            <dd>
              {cols.kinds[cols.kind[index] ?? 0]} is a guess — heuristic <code>{heuristic.name}</code>:{' '}
              {heuristic.evidence}
            </dd>
          </>
        )}
        {tid >= 0 && (
          <>
            <dt>Thread</dt>
            <dd>
              <button type="button" className="link" onClick={() => onShowThread(tid)}>
                Show thread {tid}
              </button>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
