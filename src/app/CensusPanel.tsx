/**
 * The census's status line under the top bar: progress (%, MB/s, time left) with Cancel while it runs; after a
 * cancel or a failure, what is missing (the partial results stay in the tables) and a button to run it again; a
 * button to start it when it is off. Nothing once it is complete.
 */
import type { ReactNode } from 'react';
import type { RegionColumns } from '../../workers/engine-protocol';
import { tableAddress } from '../core/format/address';
import { humanSize } from '../core/format/size';
import { missingRegions, type CensusState } from '../state/census-data';

export interface CensusPanelProps {
  readonly state: CensusState | undefined;
  readonly regions: RegionColumns;
  readonly bits: 32 | 64;
  readonly onCancel: () => void;
  readonly onStart: () => void;
  readonly onShowRegion: (index: number) => void;
  /** The dump is read over HTTP (`?url=`): its size, which a census would fetch whole. */
  readonly httpBytes?: number;
}

const SHOWN_MISSING = 5;

export function CensusPanel({
  state,
  regions,
  bits,
  onCancel,
  onStart,
  onShowRegion,
  httpBytes,
}: CensusPanelProps): ReactNode {
  if (state === undefined) {
    return (
      <section className="census-bar quiet-bar" aria-label="Memory census" data-testid="census-panel">
        <span className="muted">
          Memory census off: touched pages and the distribution are not known.
          {httpBytes !== undefined &&
            ` The dump is read over HTTP: a census fetches all of it (${humanSize(httpBytes)}).`}
        </span>
        <button type="button" onClick={onStart}>
          Scan memory
        </button>
      </section>
    );
  }
  if (state.status === 'done') return undefined;
  const p = state.progress;
  if (state.status === 'running') {
    const seconds = (p?.elapsedMs ?? 0) / 1000;
    const rate = p !== undefined && seconds > 0.2 ? p.bytesDone / seconds : undefined;
    const left = rate !== undefined && rate > 0 && p !== undefined ? (p.bytesTotal - p.bytesDone) / rate : undefined;
    const fraction = p === undefined || p.bytesTotal === 0 ? undefined : p.bytesDone / p.bytesTotal;
    return (
      <section
        className="census-bar progress"
        role="status"
        aria-live="polite"
        aria-label="Memory census"
        data-testid="census-panel"
      >
        <div className="progress-text">
          <strong>Scanning memory</strong> for touched pages
          {p !== undefined && (
            <span className="muted" data-testid="census-progress">
              {' '}
              · {Math.floor((fraction ?? 0) * 100)} % of {humanSize(p.bytesTotal)}
              {rate !== undefined && ` · ${(rate / 1e6).toFixed(0)} MB/s`}
              {left !== undefined && ` · ${left < 1 ? '< 1' : left.toFixed(0)} s left`} · {p.workers} workers
            </span>
          )}
        </div>
        <progress max={1} value={fraction} aria-label="Census progress" />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </section>
    );
  }
  const missing = missingRegions(state.data);
  const shown = missing.slice(0, SHOWN_MISSING);
  return (
    <section className="census-bar warn-note" role="status" aria-label="Memory census" data-testid="census-incomplete">
      <strong>Census incomplete:</strong>{' '}
      {state.status === 'cancelled' ? 'cancelled' : (state.failures[0] ?? 'it stopped')} — {missing.length} of{' '}
      {regions.count} regions not scanned
      {shown.length > 0 && ' ('}
      {shown.map((i, k) => (
        <span key={i}>
          {k > 0 && ', '}
          <button type="button" className="link mono" onClick={() => onShowRegion(i)}>
            {regions.kinds[regions.kind[i] ?? 0]} {tableAddress(regions.start[i] ?? 0n, bits)}
          </button>
        </span>
      ))}
      {missing.length > shown.length && `, … ${missing.length - shown.length} more`}
      {shown.length > 0 && ')'}. What was scanned is shown; the JSON says “census: incomplete”.{' '}
      <button type="button" onClick={onStart}>
        Scan again
      </button>
    </section>
  );
}
