/**
 * The maddress summary with share, bytes in dump and touched bytes (the census), its chart, and the per-image
 * totals beside it. A kind or an image leads to the region table filtered by it.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { AnalysisView, ExportRequest } from '../../../workers/engine-protocol';
import { censusExport } from '../../state/census-data';
import { maddressSize } from '../../core/format/size';
import { useCensusState } from '../common/census-context';
import { CopyButton } from '../common/ExportButtons';
import { KindUsage } from '../common/KindUsage';
import { PathText } from '../common/PathText';
import { gridColumn, VirtualTable, type GridColumn } from '../common/VirtualTable';
import { KindChart } from './KindChart';
import { KindTotalsTable } from './KindTotalsTable';

export interface TotalsViewProps {
  readonly view: AnalysisView;
  readonly onPickKind: (kind: string) => void;
  readonly onPickImage: (image: string) => void;
  readonly exportText: (request: ExportRequest) => Promise<string>;
  /** Show the Touched columns (also before the census has started). */
  readonly touchedColumn?: boolean;
}

function ImageTouchedCell({ index, inDump }: { readonly index: number; readonly inDump: number }): ReactNode {
  const census = useCensusState();
  if (census === undefined) return '';
  if ((census.data.imagePending[index] ?? 1) > 0)
    return census.status === 'running' ? <span className="muted">…</span> : <span className="warn">?</span>;
  return inDump === 0 ? <span className="muted">—</span> : maddressSize(census.data.imageTouched[index] ?? 0);
}

export function TotalsView({
  view,
  onPickKind,
  onPickImage,
  exportText,
  touchedColumn = false,
}: TotalsViewProps): ReactNode {
  const census = useCensusState();
  const totals = view.totals;
  const images = view.imageTotals;
  const [imageSelected, setImageSelected] = useState<number>();
  const imageRows = useMemo(() => Uint32Array.from(images, (_, i) => i), [images]);
  const imageColumns: GridColumn[] = useMemo(
    () => [
      gridColumn({ id: 'count', title: 'Count', width: '5rem', align: 'right', cell: (i) => images[i]?.count }),
      gridColumn({
        id: 'size',
        title: 'Size',
        width: '6rem',
        align: 'right',
        cell: (i) => maddressSize(images[i]?.size ?? 0),
      }),
      gridColumn({
        id: 'inDump',
        title: 'In Dump',
        width: '6rem',
        align: 'right',
        cell: (i) => maddressSize(images[i]?.inDump ?? 0),
      }),
      gridColumn({
        id: 'touched',
        title: 'Touched',
        width: '6rem',
        align: 'right',
        cell: (i) => <ImageTouchedCell index={i} inDump={images[i]?.inDump ?? 0} />,
      }),
      gridColumn({
        id: 'image',
        title: 'Image',
        width: 'minmax(12rem, 1fr)',
        cell: (i) => (
          <button
            type="button"
            className="link path-button"
            tabIndex={-1}
            onClick={() => onPickImage(images[i]?.image ?? '')}
          >
            <PathText path={images[i]?.image ?? ''} />
          </button>
        ),
      }),
    ],
    // Stable while the census streams in: the Touched cells read it from CensusContext.
    [images, onPickImage],
  );
  const top = totals[0];
  return (
    <div className="view totals-view">
      <section className="panel kind-totals" aria-labelledby="kind-totals-title">
        <header className="panel-head">
          <h2 id="kind-totals-title">Per-kind totals</h2>
          <CopyButton getText={() => exportText({ kind: 'totals-text', census: censusExport(census) })} />
          {top !== undefined && (
            <p className="summary">
              <KindUsage total={top} index={0} testId="totals-usage" />
            </p>
          )}
        </header>
        <div className="scroll-x">
          <KindTotalsTable totals={totals} touchedColumn={touchedColumn} onPickKind={onPickKind} />
        </div>
        <KindChart totals={totals} readyKey={`${view.id}:totals`} onPick={onPickKind} />
      </section>
      <section
        className="panel image-totals"
        aria-labelledby="image-totals-title"
        style={{ ['--rows' as string]: Math.max(images.length, 3) }}
      >
        <header className="panel-head">
          <h2 id="image-totals-title">Per-image totals</h2>
          <CopyButton label="Copy image totals as text" getText={() => exportText({ kind: 'image-totals-text' })} />
        </header>
        <VirtualTable
          label="Per-image totals"
          columns={imageColumns}
          rows={imageRows}
          columnVisibility={{ touched: touchedColumn }}
          selected={imageSelected}
          onSelect={setImageSelected}
          onActivate={(i) => onPickImage(images[i]?.image ?? '')}
          empty="No file-backed mappings in this dump (no NT_FILE note, or none listed)."
        />
      </section>
    </div>
  );
}
