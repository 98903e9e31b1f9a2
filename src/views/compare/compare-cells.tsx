/**
 * The cells and headings the Compare view's panels share: a signed difference coloured by direction, a percentage,
 * a row's link to its rows in A, a side-only note, column headings, and the table around them.
 */
import type { ReactNode } from 'react';
import type { CompareAmount, CompareDocument, CompareLink, ComparePresence } from '../../core/compare/compare-document';
import { signedCount, signedPercent, signedSize } from '../../core/compare/compare-text';

export type OnCompareLink = (link: CompareLink, label: string) => void;

/** What every panel is given: the comparison, and where its rows lead. */
export interface PanelProps {
  readonly doc: CompareDocument;
  readonly onLink: OnCompareLink;
}

export interface ColumnHead {
  readonly title: string;
  readonly className?: string;
}

/** A number column's heading (right-aligned). */
export const num = (title: string): ColumnHead => ({ title, className: 'num' });
/** "± %": hidden on narrow screens, where the signed difference says enough. */
export const PERCENT_HEAD: ColumnHead = { title: '± %', className: 'num narrow-hide' };
/** The columns of a per-kind row: counts and sizes on both sides and their differences. */
export const COUNT_SIZE_HEADS: readonly ColumnHead[] = [
  num('Count A'),
  num('Count B'),
  num('± Count'),
  num('Size A'),
  num('Size B'),
  num('± Size'),
  PERCENT_HEAD,
];

export function ColumnHeads({ columns }: { readonly columns: readonly ColumnHead[] }): ReactNode {
  return columns.map((c) => (
    <th key={c.title} scope="col" className={c.className}>
      {c.title}
    </th>
  ));
}

/** " (only in A)" / " (only in B)" after a row's name; nothing when both sides have it. */
export function PresenceNote({ presence }: { readonly presence: ComparePresence }): ReactNode {
  if (presence === 'only-a') return <span className="muted"> (only in A)</span>;
  if (presence === 'only-b') return <span className="muted"> (only in B)</span>;
  return null;
}

/** A signed difference cell, coloured by direction; data-diff holds the exact number for tests. */
export function Diff({ x, size }: { readonly x: CompareAmount; readonly size?: boolean }): ReactNode {
  const cls = x.diff > 0 ? 'diff grew' : x.diff < 0 ? 'diff shrank' : 'diff same';
  return (
    <td className={`num ${cls}`} data-diff={x.diff}>
      {size ? signedSize(x.diff) : signedCount(x.diff)}
    </td>
  );
}

export function Pct({ x }: { readonly x: CompareAmount }): ReactNode {
  return <td className="num narrow-hide">{signedPercent(x)}</td>;
}

/** A panel's table, scrolling sideways on a narrow screen: `head` is its heading row, `children` its body rows. */
export function CompareTable({
  testId,
  head,
  children,
}: {
  readonly testId: string;
  readonly head: ReactNode;
  readonly children: ReactNode;
}): ReactNode {
  return (
    <div className="scroll-x">
      <table className="static-table" data-testid={testId}>
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function LinkButton({
  link,
  label,
  onLink,
  children,
}: {
  readonly link: CompareLink | undefined;
  readonly label: string;
  readonly onLink: OnCompareLink;
  readonly children: ReactNode;
}): ReactNode {
  if (link === undefined) return <span title="Only in B: no rows in A to show">{children}</span>;
  return (
    <button type="button" className="link" onClick={() => onLink(link, label)}>
      {children}
    </button>
  );
}
