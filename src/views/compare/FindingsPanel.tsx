/** Findings only in A, only in B, and on both sides with other figures; a finding leads to its rows in A. */
import type { ReactNode } from 'react';
import type { CompareFinding, CompareFindingChange, CompareLink } from '../../core/compare/compare-document';
import { LinkButton, type OnCompareLink, type PanelProps } from './compare-cells';

/** A finding's title, leading to its rows in A where it has some. */
function FindingTitle({
  title,
  link,
  onLink,
}: {
  readonly title: string;
  readonly link: CompareLink | undefined;
  readonly onLink: OnCompareLink;
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
  readonly onLink: OnCompareLink;
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
  readonly onLink: OnCompareLink;
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

export function FindingsPanel({ doc, onLink }: PanelProps): ReactNode {
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
