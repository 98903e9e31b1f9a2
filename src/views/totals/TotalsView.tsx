/**
 * The maddress summary (Memory Type, Count, Size, Size (bytes)) with share and bytes in dump, its chart, and the
 * per-image totals beside it. A kind or an image leads to the region table filtered by it.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { AnalysisView, ExportRequest } from '../../../workers/engine-protocol';
import { groupedBytes, maddressSize, percent } from '../../core/format/size';
import { CopyButton } from '../common/ExportButtons';
import { HeuristicBadge } from '../common/HeuristicBadge';
import { kindColor } from '../common/kind-colors';
import { VirtualTable, type TableColumn } from '../common/VirtualTable';
import { KindChart } from './KindChart';

export interface TotalsViewProps {
  readonly view: AnalysisView;
  readonly onPickKind: (kind: string) => void;
  readonly onPickImage: (image: string) => void;
  readonly exportText: (request: ExportRequest) => Promise<string>;
}

export function TotalsView({ view, onPickKind, onPickImage, exportText }: TotalsViewProps): ReactNode {
  const totals = view.totals;
  const sum = useMemo(() => totals.reduce((a, t) => ({ count: a.count + t.count, size: a.size + t.size, inDump: a.inDump + t.inDump }), { count: 0, size: 0, inDump: 0 }), [totals]);
  const images = view.imageTotals;
  const [imageSelected, setImageSelected] = useState<number>();
  const imageRows = useMemo(() => Uint32Array.from(images, (_, i) => i), [images]);
  const imageColumns: TableColumn[] = useMemo(
    () => [
      { id: 'count', title: 'Count', width: '5rem', align: 'right', cell: (i) => images[i]?.count },
      { id: 'size', title: 'Size', width: '6rem', align: 'right', cell: (i) => maddressSize(images[i]?.size ?? 0) },
      { id: 'inDump', title: 'In Dump', width: '6rem', align: 'right', cell: (i) => maddressSize(images[i]?.inDump ?? 0) },
      {
        id: 'image',
        title: 'Image',
        width: 'minmax(12rem, 1fr)',
        cell: (i) => (
          <button type="button" className="link path" tabIndex={-1} title={images[i]?.image} onClick={() => onPickImage(images[i]?.image ?? '')}>
            {images[i]?.image}
          </button>
        ),
      },
    ],
    [images, onPickImage],
  );
  return (
    <div className="view totals-view">
      <section className="panel kind-totals" aria-labelledby="kind-totals-title">
        <header className="panel-head">
          <h2 id="kind-totals-title">Per-kind totals</h2>
          <CopyButton getText={() => exportText({ kind: 'totals-text' })} />
        </header>
        <div className="scroll-x">
          <table className="static-table" data-testid="kind-totals">
            <thead>
              <tr>
                <th scope="col">Memory Type</th>
                <th scope="col" className="num">Count</th>
                <th scope="col" className="num">Size</th>
                <th scope="col" className="num">Size (bytes)</th>
                <th scope="col" className="num">% of Total</th>
                <th scope="col" className="num">In Dump</th>
              </tr>
            </thead>
            <tbody>
              {totals.map((t) => (
                <tr key={t.kind}>
                  <th scope="row">
                    <span className="swatch" style={{ background: kindColor(t.kind) }} aria-hidden="true" />
                    <button type="button" className="link" onClick={() => onPickKind(t.kind)} title={`Show the ${t.kind} regions`}>
                      {t.kind}
                    </button>
                    {t.heuristic && <HeuristicBadge text={`Some ${t.kind} regions are classified by a heuristic; the region table shows the evidence for each.`} />}
                  </th>
                  <td className="num">{groupedBytes(t.count)}</td>
                  <td className="num">{maddressSize(t.size)}</td>
                  <td className="num">{groupedBytes(t.size)}</td>
                  <td className="num">{percent(t.percent)}</td>
                  <td className="num">{maddressSize(t.inDump)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">[TOTAL]</th>
                <td className="num">{groupedBytes(sum.count)}</td>
                <td className="num">{maddressSize(sum.size)}</td>
                <td className="num">{groupedBytes(sum.size)}</td>
                <td className="num">{percent(totals.length > 0 ? 100 : 0)}</td>
                <td className="num">{maddressSize(sum.inDump)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
        <KindChart totals={totals} readyKey={`${view.id}:totals`} onPick={onPickKind} />
      </section>
      <section className="panel image-totals" aria-labelledby="image-totals-title" style={{ ['--rows' as string]: Math.max(images.length, 3) }}>
        <header className="panel-head">
          <h2 id="image-totals-title">Per-image totals</h2>
          <CopyButton label="Copy image totals as text" getText={() => exportText({ kind: 'image-totals-text' })} />
        </header>
        <VirtualTable
          label="Per-image totals"
          columns={imageColumns}
          rows={imageRows}
          selected={imageSelected}
          onSelect={setImageSelected}
          onActivate={(i) => onPickImage(images[i]?.image ?? '')}
          empty="No file-backed mappings in this dump (no NT_FILE note, or none listed)."
        />
      </section>
    </div>
  );
}
