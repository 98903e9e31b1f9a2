/** Per-kind totals of A and B side by side, with the size differences as bars; a kind leads to its regions in A. */
import type { ReactNode } from 'react';
import { signedSize } from '../../core/compare/compare-text';
import { humanSize } from '../../core/format/size';
import { kindColor } from '../common/kind-colors';
import {
  COUNT_SIZE_HEADS,
  ColumnHeads,
  CompareTable,
  Diff,
  LinkButton,
  Pct,
  PresenceNote,
  num,
  type PanelProps,
} from './compare-cells';
import { DiffChart } from './DiffChart';

export function KindsPanel({ doc, onLink }: PanelProps): ReactNode {
  const changed = doc.kinds.filter((k) => k.size.diff !== 0);
  const touched = doc.kinds.some((k) => k.touched !== undefined);
  return (
    <section className="panel" aria-labelledby="compare-kinds-title">
      <h2 id="compare-kinds-title">Per-kind totals</h2>
      <CompareTable
        testId="compare-kinds"
        head={
          <>
            <th scope="col">Memory Type</th>
            <ColumnHeads columns={COUNT_SIZE_HEADS} />
            {touched && <ColumnHeads columns={[num('± Touched')]} />}
          </>
        }
      >
        {doc.kinds.map((k) => (
          <tr key={k.kind} data-kind={k.kind} data-presence={k.presence}>
            <th scope="row">
              <span className="swatch" style={{ background: kindColor(k.kind) }} aria-hidden="true" />{' '}
              <LinkButton link={k.link} label={k.kind} onLink={onLink}>
                {k.kind}
              </LinkButton>
              <PresenceNote presence={k.presence} />
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
      </CompareTable>
      {changed.length > 0 && (
        <DiffChart
          label="Size difference per memory kind"
          bars={changed.map((k) => ({
            label: k.kind,
            diff: k.size.diff,
            text: signedSize(k.size.diff),
            fill: kindColor(k.kind),
            link: k.link,
            linkLabel: k.kind,
          }))}
          onLink={onLink}
        />
      )}
    </section>
  );
}
