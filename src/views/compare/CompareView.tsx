/**
 * The dump on screen (A) beside a second dump or report (B): per-kind totals with their differences as bars,
 * threads and stack groups (which grew, shrank, are new or gone), stack sizes, per-image totals and the findings
 * (only in A, only in B, or on both with other figures) — biggest differences first, one panel each. Each row leads
 * to its rows in A (Regions filtered by the kind or path, Threads limited to the group's threads). The comparison
 * itself is core/compare's; this view only lays it out.
 */
import type { ReactNode } from 'react';
import type { AnalysisView } from '../../../workers/engine-protocol';
import type { CompareDocument } from '../../core/compare/compare-document';
import { humanSize } from '../../core/format/size';
import type { CompareState } from '../../state/use-compare';
import { useReportReady } from '../common/use-report-ready';
import type { OnCompareLink } from './compare-cells';
import { FindingsPanel } from './FindingsPanel';
import { ImagesPanel } from './ImagesPanel';
import { KindsPanel } from './KindsPanel';
import { StackSizesPanel } from './StackSizesPanel';
import { ThreadsPanel } from './ThreadsPanel';
import './compare.css';

export interface CompareViewProps {
  readonly view: AnalysisView;
  readonly compare: CompareState;
  /** The file named in the link when nothing is compared yet (a reload cannot reopen it). */
  readonly wanted: string | undefined;
  /** Opens the file picker for B (what the top bar's "Compare with…" does). */
  readonly onPick: () => void;
  readonly onStop: () => void;
  readonly onLink: OnCompareLink;
}

export function CompareView({ view, compare, wanted, onPick, onStop, onLink }: CompareViewProps): ReactNode {
  useReportReady(`${view.id}:compare`);
  if (compare.status === 'off') {
    return (
      <div className="view compare-view">
        <section className="panel">
          <h2>Compare</h2>
          {wanted === undefined ? (
            <p>Pick a second dump or report with “Compare with…” in the top bar to see what differs.</p>
          ) : (
            <p>
              This link compared with <strong>{wanted}</strong>: the page cannot reopen files by itself.{' '}
              <button type="button" onClick={onPick}>
                Pick {wanted} again to compare
              </button>
            </p>
          )}
        </section>
      </div>
    );
  }
  if (compare.status === 'loading') {
    return (
      <div className="view compare-view">
        <section className="panel">
          <h2>Compare</h2>
          <p role="status">{compare.step}…</p>
        </section>
      </div>
    );
  }
  if (compare.status === 'error') {
    return (
      <div className="view compare-view">
        <section className="panel compare-error" role="alert">
          <h2>Compare</h2>
          <p>
            {compare.name} could not be compared: {compare.message}
          </p>
          <button type="button" onClick={onPick}>
            Pick another file
          </button>{' '}
          <button type="button" onClick={onStop}>
            Stop comparing
          </button>
        </section>
      </div>
    );
  }
  return <CompareReady doc={compare.doc} settled={compare.settled} onStop={onStop} onLink={onLink} />;
}

function CompareReady({
  doc,
  settled,
  onStop,
  onLink,
}: {
  readonly doc: CompareDocument;
  readonly settled: boolean;
  readonly onStop: () => void;
  readonly onLink: OnCompareLink;
}): ReactNode {
  return (
    <div className="view compare-view" data-testid="compare-view">
      <section className="panel compare-sides" aria-labelledby="compare-title">
        <header className="panel-head">
          <h2 id="compare-title">Compare</h2>
          <button type="button" onClick={onStop}>
            Stop comparing
          </button>
        </header>
        <dl>
          <dt>A (on screen)</dt>
          <dd data-testid="compare-a">{sideText(doc.a)}</dd>
          <dt>B</dt>
          <dd data-testid="compare-b">{sideText(doc.b)}</dd>
        </dl>
        <p className="summary">
          Differences are B − A, biggest first; a row leads to its rows in A.
          {!settled && <span className="muted"> A’s stacks are still being walked: its stack groups follow.</span>}
        </p>
      </section>
      <KindsPanel doc={doc} onLink={onLink} />
      <ThreadsPanel doc={doc} onLink={onLink} />
      <StackSizesPanel doc={doc} onLink={onLink} />
      <ImagesPanel doc={doc} onLink={onLink} />
      <FindingsPanel doc={doc} onLink={onLink} />
    </div>
  );
}

function sideText(s: CompareDocument['a']): string {
  const pid = s.pid === null ? '' : ` · pid ${s.pid}`;
  const name = s.process === null ? '' : ` (${s.process})`;
  const passes = s.stacks ? '' : ' · no stacks pass';
  return `${s.name} · ${humanSize(s.size)}${pid}${name} · ${s.threads} threads${passes}`;
}
