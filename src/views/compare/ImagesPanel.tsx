/** Per-image totals of A and B, the changed ones first shown; an image leads to its regions in A. */
import { useState, type ReactNode } from 'react';
import { PathText } from '../common/PathText';
import {
  ColumnHeads,
  CompareTable,
  Diff,
  LinkButton,
  PERCENT_HEAD,
  Pct,
  PresenceNote,
  num,
  type PanelProps,
} from './compare-cells';

export function ImagesPanel({ doc, onLink }: PanelProps): ReactNode {
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
        <CompareTable
          testId="compare-images"
          head={
            <ColumnHeads columns={[num('Count A'), num('Count B'), num('± Size'), PERCENT_HEAD, { title: 'Image' }]} />
          }
        >
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
                <PresenceNote presence={i.presence} />
              </td>
            </tr>
          ))}
        </CompareTable>
      )}
    </section>
  );
}
