/** Thread counts and stack groups of A and B: which groups grew, shrank, are new or gone; a group leads to its threads in A. */
import type { ReactNode } from 'react';
import type { CompareGroupRow } from '../../core/compare/compare-document';
import { groupStackText, signedCount, signedPercent } from '../../core/compare/compare-text';
import { ColumnHeads, CompareTable, Diff, LinkButton, num, type PanelProps } from './compare-cells';
import { DiffChart } from './DiffChart';

const STATUS_TEXT: Record<CompareGroupRow['status'], string> = {
  grew: 'grew',
  shrank: 'shrank',
  same: 'same',
  new: 'new in B',
  gone: 'gone in B',
};

const groupLinkLabel = (g: CompareGroupRow): string => `the ${g.threads.a} threads of this stack`;

export function ThreadsPanel({ doc, onLink }: PanelProps): ReactNode {
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
          <CompareTable
            testId="compare-groups"
            head={
              <ColumnHeads
                columns={[
                  num('Threads A'),
                  num('Threads B'),
                  num('±'),
                  { title: 'Change' },
                  { title: 'Stack (innermost first)' },
                ]}
              />
            }
          >
            {groups.map((g) => (
              <tr key={g.key} data-status={g.status}>
                <td className="num">{g.threads.a}</td>
                <td className="num">{g.threads.b}</td>
                <Diff x={g.threads} />
                <td className={`group-status ${g.status}`}>{STATUS_TEXT[g.status]}</td>
                <td className="path mono">
                  <LinkButton link={g.link} label={groupLinkLabel(g)} onLink={onLink}>
                    {groupStackText(g)}
                  </LinkButton>
                </td>
              </tr>
            ))}
          </CompareTable>
          {changed.length > 0 && (
            <DiffChart
              label="Thread count difference per stack group"
              bars={changed.slice(0, 12).map((g) => ({
                label: groupStackText(g).split(' ← ')[0] ?? '',
                diff: g.threads.diff,
                text: signedCount(g.threads.diff),
                fill: 'var(--accent)',
                link: g.link,
                linkLabel: groupLinkLabel(g),
              }))}
              onLink={onLink}
            />
          )}
        </>
      )}
    </section>
  );
}
