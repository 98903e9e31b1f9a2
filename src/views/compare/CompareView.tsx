/**
 * The dump on screen (A) beside a second dump or report (B): per-kind totals with their differences as bars,
 * threads and stack groups (which grew, shrank, are new or gone), stack sizes, per-image totals and the findings
 * (only in A, only in B, or on both with other figures) — biggest differences first. Each row leads to its rows in A (Regions filtered
 * by the kind or path, Threads limited to the group's threads). The comparison itself is core/compare's.
 */
import { useState, type ReactNode } from 'react';
import type { AnalysisView } from '../../../workers/engine-protocol';
import type {
  CompareAmount,
  CompareDocument,
  CompareFinding,
  CompareFindingChange,
  CompareGroupRow,
  CompareLink,
} from '../../core/compare/compare-document';
import { groupStackText, signedCount, signedPercent, signedSize } from '../../core/compare/compare-text';
import { humanSize } from '../../core/format/size';
import type { CompareState } from '../../state/use-compare';
import { kindColor } from '../common/kind-colors';
import { PathText } from '../common/PathText';
import { useReportReady } from '../common/use-report-ready';
import { DiffChart } from './DiffChart';
import './compare.css';

export interface CompareViewProps {
  readonly view: AnalysisView;
  readonly compare: CompareState;
  /** The file named in the link when nothing is compared yet (a reload cannot reopen it). */
  readonly wanted: string | undefined;
  /** Opens the file picker for B (what the top bar's "Compare with…" does). */
  readonly onPick: () => void;
  readonly onStop: () => void;
  readonly onLink: (link: CompareLink, label: string) => void;
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
  readonly onLink: (link: CompareLink, label: string) => void;
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

/** A signed difference cell, coloured by direction; data-diff holds the exact number for tests. */
function Diff({ x, size }: { readonly x: CompareAmount; readonly size?: boolean }): ReactNode {
  const cls = x.diff > 0 ? 'diff grew' : x.diff < 0 ? 'diff shrank' : 'diff same';
  return (
    <td className={`num ${cls}`} data-diff={x.diff}>
      {size ? signedSize(x.diff) : signedCount(x.diff)}
    </td>
  );
}

function Pct({ x }: { readonly x: CompareAmount }): ReactNode {
  return <td className="num narrow-hide">{signedPercent(x)}</td>;
}

function LinkButton({
  link,
  label,
  onLink,
  children,
}: {
  readonly link: CompareLink | undefined;
  readonly label: string;
  readonly onLink: (link: CompareLink, label: string) => void;
  readonly children: ReactNode;
}): ReactNode {
  if (link === undefined) return <span title="Only in B: no rows in A to show">{children}</span>;
  return (
    <button type="button" className="link" onClick={() => onLink(link, label)}>
      {children}
    </button>
  );
}

function KindsPanel({
  doc,
  onLink,
}: {
  readonly doc: CompareDocument;
  readonly onLink: (l: CompareLink, label: string) => void;
}): ReactNode {
  const changed = doc.kinds.filter((k) => k.size.diff !== 0);
  const touched = doc.kinds.some((k) => k.touched !== undefined);
  return (
    <section className="panel" aria-labelledby="compare-kinds-title">
      <h2 id="compare-kinds-title">Per-kind totals</h2>
      <div className="scroll-x">
        <table className="static-table" data-testid="compare-kinds">
          <thead>
            <tr>
              <th scope="col">Memory Type</th>
              <th scope="col" className="num">
                Count A
              </th>
              <th scope="col" className="num">
                Count B
              </th>
              <th scope="col" className="num">
                ± Count
              </th>
              <th scope="col" className="num">
                Size A
              </th>
              <th scope="col" className="num">
                Size B
              </th>
              <th scope="col" className="num">
                ± Size
              </th>
              <th scope="col" className="num narrow-hide">
                ± %
              </th>
              {touched && (
                <th scope="col" className="num">
                  ± Touched
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {doc.kinds.map((k) => (
              <tr key={k.kind} data-kind={k.kind} data-presence={k.presence}>
                <th scope="row">
                  <span className="swatch" style={{ background: kindColor(k.kind) }} aria-hidden="true" />{' '}
                  <LinkButton link={k.link} label={k.kind} onLink={onLink}>
                    {k.kind}
                  </LinkButton>
                  {k.presence === 'only-b' && <span className="muted"> (only in B)</span>}
                  {k.presence === 'only-a' && <span className="muted"> (only in A)</span>}
                </th>
                <td className="num">{k.count.a}</td>
                <td className="num">{k.count.b}</td>
                <Diff x={k.count} />
                <td className="num">{humanSize(k.size.a)}</td>
                <td className="num">{humanSize(k.size.b)}</td>
                <Diff x={k.size} size />
                <Pct x={k.size} />
                {touched && (k.touched ? <Diff x={k.touched} size /> : <td />)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {changed.length > 0 && (
        <DiffChart
          label="Size difference per memory kind"
          bars={changed.map((k) => ({
            label: k.kind,
            diff: k.size.diff,
            text: signedSize(k.size.diff),
            fill: kindColor(k.kind),
          }))}
          onPick={(i) => {
            const k = changed[i];
            if (k?.link) onLink(k.link, k.kind);
          }}
        />
      )}
    </section>
  );
}

const STATUS_TEXT: Record<CompareGroupRow['status'], string> = {
  grew: 'grew',
  shrank: 'shrank',
  same: 'same',
  new: 'new in B',
  gone: 'gone in B',
};

function ThreadsPanel({
  doc,
  onLink,
}: {
  readonly doc: CompareDocument;
  readonly onLink: (l: CompareLink, label: string) => void;
}): ReactNode {
  const groups = doc.stackGroups;
  const changed = groups?.filter((g) => g.status !== 'same') ?? [];
  return (
    <section className="panel" aria-labelledby="compare-threads-title">
      <h2 id="compare-threads-title">Threads and stack groups</h2>
      <p className="summary" data-testid="compare-thread-count">
        Threads: {doc.threads.a} → {doc.threads.b} ({signedCount(doc.threads.diff)}, {signedPercent(doc.threads)})
      </p>
      {groups === undefined ? (
        <p className="muted">
          Stack groups are not compared: {doc.a.stacks ? 'B' : 'A'} has no stacks pass (a report saved without it).
        </p>
      ) : (
        <>
          <div className="scroll-x">
            <table className="static-table" data-testid="compare-groups">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Threads A
                  </th>
                  <th scope="col" className="num">
                    Threads B
                  </th>
                  <th scope="col" className="num">
                    ±
                  </th>
                  <th scope="col">Change</th>
                  <th scope="col">Stack (innermost first)</th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr key={g.key} data-status={g.status}>
                    <td className="num">{g.threads.a}</td>
                    <td className="num">{g.threads.b}</td>
                    <Diff x={g.threads} />
                    <td className={`group-status ${g.status}`}>{STATUS_TEXT[g.status]}</td>
                    <td className="path mono">
                      <LinkButton link={g.link} label={`the ${g.threads.a} threads of this stack`} onLink={onLink}>
                        {groupStackText(g)}
                      </LinkButton>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {changed.length > 0 && (
            <DiffChart
              label="Thread count difference per stack group"
              bars={changed.slice(0, 12).map((g) => ({
                label: groupStackText(g).split(' ← ')[0] ?? '',
                diff: g.threads.diff,
                text: signedCount(g.threads.diff),
                fill: 'var(--accent)',
              }))}
              onPick={(i) => {
                const g = changed[i];
                if (g?.link) onLink(g.link, `the ${g.threads.a} threads of this stack`);
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

function StackSizesPanel({
  doc,
  onLink,
}: {
  readonly doc: CompareDocument;
  readonly onLink: (l: CompareLink, label: string) => void;
}): ReactNode {
  const s = doc.stackSizes;
  const measures = [
    ['Reserve', s.reserve],
    ['Used', s.used],
    ...(s.touched ? [['Touched', s.touched] as const] : []),
  ] as const;
  return (
    <section className="panel" aria-labelledby="compare-stacks-title">
      <h2 id="compare-stacks-title">Stack sizes</h2>
      <div className="scroll-x">
        <table className="static-table" data-testid="compare-stack-sizes">
          <thead>
            <tr>
              <th scope="col">Stacks</th>
              <th scope="col" className="num">
                A
              </th>
              <th scope="col" className="num">
                B
              </th>
              <th scope="col" className="num">
                ±
              </th>
              <th scope="col" className="num narrow-hide">
                ± %
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Threads with a stack</th>
              <td className="num">{s.threadsWithStack.a}</td>
              <td className="num">{s.threadsWithStack.b}</td>
              <Diff x={s.threadsWithStack} />
              <Pct x={s.threadsWithStack} />
            </tr>
            {measures.flatMap(([name, m]) =>
              (
                [
                  ['total', m.total],
                  ['largest', m.max],
                  ['median', m.median],
                ] as const
              ).map(([what, x]) => (
                <tr key={`${name}-${what}`}>
                  <th scope="row">
                    {name}, {what}
                  </th>
                  <td className="num">{humanSize(x.a)}</td>
                  <td className="num">{humanSize(x.b)}</td>
                  <Diff x={x} size />
                  <Pct x={x} />
                </tr>
              )),
            )}
            {s.byReserve.map((r) => (
              <tr key={`reserve-${r.size}`}>
                <th scope="row">
                  <LinkButton link={r.link} label={`threads with ${humanSize(r.size)} stacks`} onLink={onLink}>
                    Threads with {humanSize(r.size)} stacks
                  </LinkButton>
                </th>
                <td className="num">{r.threads.a}</td>
                <td className="num">{r.threads.b}</td>
                <Diff x={r.threads} />
                <Pct x={r.threads} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ImagesPanel({
  doc,
  onLink,
}: {
  readonly doc: CompareDocument;
  readonly onLink: (l: CompareLink, label: string) => void;
}): ReactNode {
  const [all, setAll] = useState(false);
  const changed = doc.images.filter((i) => i.size.diff !== 0 || i.count.diff !== 0);
  const shown = all ? doc.images : changed;
  return (
    <section className="panel" aria-labelledby="compare-images-title">
      <header className="panel-head">
        <h2 id="compare-images-title">Per-image totals</h2>
        {changed.length < doc.images.length && (
          <button type="button" className="quiet" onClick={() => setAll((a) => !a)}>
            {all ? 'Only the changed images' : `Show all ${doc.images.length} images`}
          </button>
        )}
      </header>
      {shown.length === 0 ? (
        <p className="muted">The {doc.images.length} mapped files are the same on both sides.</p>
      ) : (
        <div className="scroll-x">
          <table className="static-table" data-testid="compare-images">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Count A
                </th>
                <th scope="col" className="num">
                  Count B
                </th>
                <th scope="col" className="num">
                  ± Size
                </th>
                <th scope="col" className="num narrow-hide">
                  ± %
                </th>
                <th scope="col">Image</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((i) => (
                <tr key={i.image} data-presence={i.presence}>
                  <td className="num">{i.count.a}</td>
                  <td className="num">{i.count.b}</td>
                  <Diff x={i.size} size />
                  <Pct x={i.size} />
                  <td className="path">
                    <LinkButton link={i.link} label={i.image} onLink={onLink}>
                      <PathText path={i.image} />
                    </LinkButton>
                    {i.presence === 'only-b' && <span className="muted"> (only in B)</span>}
                    {i.presence === 'only-a' && <span className="muted"> (only in A)</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A finding's title, leading to its rows in A where it has some. */
function FindingTitle({
  title,
  link,
  onLink,
}: {
  readonly title: string;
  readonly link: CompareLink | undefined;
  readonly onLink: (l: CompareLink, label: string) => void;
}): ReactNode {
  if (link === undefined) return <span>{title}</span>;
  return (
    <LinkButton link={link} label={title} onLink={onLink}>
      {title}
    </LinkButton>
  );
}

function FindingList({
  list,
  testId,
  onLink,
}: {
  readonly list: readonly CompareFinding[];
  readonly testId: string;
  readonly onLink: (l: CompareLink, label: string) => void;
}): ReactNode {
  if (list.length === 0) return <p className="muted">None.</p>;
  return (
    <ul className="compare-findings" data-testid={testId}>
      {list.map((f, i) => (
        <li key={`${f.id}\n${f.title}\n${i}`} className={`severity-${f.severity}`}>
          <span className="severity">{f.severity}</span> <FindingTitle title={f.title} link={f.link} onLink={onLink} />{' '}
          <span className="muted mono">{f.id}</span>
        </li>
      ))}
    </ul>
  );
}

/** Findings on both sides whose figures (or severity) moved: A's title, then B's. */
function ChangedList({
  list,
  onLink,
}: {
  readonly list: readonly CompareFindingChange[];
  readonly onLink: (l: CompareLink, label: string) => void;
}): ReactNode {
  if (list.length === 0) return <p className="muted">None.</p>;
  return (
    <ul className="compare-findings" data-testid="compare-findings-changed">
      {list.map((c, i) => (
        <li key={`${c.id}\n${c.a.title}\n${i}`} data-id={c.id}>
          <span className={`severity-${c.a.severity}`}>
            <span className="severity">{c.a.severity}</span>{' '}
            <FindingTitle title={c.a.title} link={c.link} onLink={onLink} />
          </span>{' '}
          <span className="muted mono">{c.id}</span>
          <br />
          <span className={`finding-b severity-${c.b.severity}`} data-side="b">
            → <span className="severity">{c.b.severity}</span> {c.b.title}
          </span>
        </li>
      ))}
    </ul>
  );
}

function FindingsPanel({
  doc,
  onLink,
}: {
  readonly doc: CompareDocument;
  readonly onLink: (l: CompareLink, label: string) => void;
}): ReactNode {
  const f = doc.findings;
  return (
    <section className="panel" aria-labelledby="compare-findings-title">
      <h2 id="compare-findings-title">Findings</h2>
      {f === undefined ? (
        <p className="muted">
          Not compared: {doc.a.findings ? 'B' : 'A'} carries no findings (a report made before them).
        </p>
      ) : (
        <div className="compare-findings-sides">
          <div>
            <h3>Only in A</h3>
            <FindingList list={f.onlyA} testId="compare-findings-a" onLink={onLink} />
          </div>
          <div>
            <h3>Only in B</h3>
            <FindingList list={f.onlyB} testId="compare-findings-b" onLink={onLink} />
          </div>
          <div className="compare-findings-changed">
            <h3>Changed</h3>
            <ChangedList list={f.changed} onLink={onLink} />
          </div>
          <p className="muted" data-testid="compare-findings-same">
            {f.same.length} the same on both sides.
          </p>
        </div>
      )}
    </section>
  );
}
