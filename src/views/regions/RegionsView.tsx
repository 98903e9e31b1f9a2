/**
 * Every region, SOS `!maddress` columns first (Memory Kind, StartAddr, EndAddr-1, Size, Type, State, Protect,
 * Image) plus bytes in dump, touched bytes (the census, filling in as it runs), thread id and a hex-view action.
 * Filtering and sorting are region-model.ts; this file only wires them.
 */
import { useMemo, type ReactNode } from 'react';
import type { AnalysisView, ExportRequest } from '../../../workers/engine-protocol';
import { censusExport } from '../../state/census-data';
import type { RegionFilter, SortSpec } from '../../state/hash-state';
import { hexAddress, tableAddress } from '../../core/format/address';
import { maddressSize } from '../../core/format/size';
import { useCensusState } from '../common/census-context';
import { RegionTouchedCell } from '../common/TouchedCell';
import { CopyButton, DownloadButton } from '../common/ExportButtons';
import { KindLabel } from '../common/HeuristicBadge';
import { PathText } from '../common/PathText';
import { useNarrow } from '../common/use-narrow';
import { useReportReady } from '../common/use-report-ready';
import { gridColumn, VirtualTable, type GridColumn } from '../common/VirtualTable';
import { RegionDetail } from './RegionDetail';
import { RegionFilters } from './RegionFilters';
import {
  filterRegions,
  interpretText,
  NUMERIC_REGION_COLUMNS,
  sortRegions,
  type PreparedRegions,
} from './region-model';

export interface RegionsViewProps {
  readonly view: AnalysisView;
  readonly prepared: PreparedRegions;
  readonly filter: RegionFilter;
  readonly sort?: SortSpec;
  readonly selected?: number;
  /** Changes when another view asks to show a region, so the table scrolls to it even if it was selected. */
  readonly scrollKey: number;
  readonly onFilter: (filter: RegionFilter, select?: number) => void;
  readonly onSort: (sort: SortSpec) => void;
  readonly onSelect: (index: number) => void;
  readonly onShowThread: (tid: number) => void;
  readonly exportText: (request: ExportRequest) => Promise<string>;
  /** Opens the hex view; without it there is no Memory column. */
  readonly onShowMemory?: (address: bigint) => void;
  /** Show the census's Touched column (also before the census has started). */
  readonly touchedColumn?: boolean;
}

const NO_MEMORY = () => undefined;

/** Wide enough for the longest address in the table (12 hex digits usually, 16 for kernel-half addresses). */
function addressWidth(p: PreparedRegions, bits: 32 | 64): string {
  const digits = Math.max(bits === 64 ? 12 : 8, p.cols.addressDigits);
  return `${(digits * 0.56 + 1.6).toFixed(1)}rem`;
}

function regionColumns(p: PreparedRegions, bits: 32 | 64, onShowMemory: (address: bigint) => void): GridColumn[] {
  const c = p.cols;
  const address = addressWidth(p, bits);
  const num = { align: 'right' as const, sortable: true };
  return [
    gridColumn({
      id: 'kind',
      title: 'Memory Kind',
      width: 'minmax(10.5rem, 1fr)',
      sortable: true,
      cell: (i) => <KindLabel kind={c.kinds[c.kind[i] ?? 0] ?? ''} heuristic={c.heuristics[c.heuristic[i] ?? -1]} />,
    }),
    gridColumn({
      id: 'start',
      title: 'StartAddr',
      width: address,
      mono: true,
      ...num,
      cell: (i) => tableAddress(c.start[i] ?? 0n, bits),
    }),
    gridColumn({
      id: 'end',
      title: 'EndAddr-1',
      width: address,
      mono: true,
      ...num,
      cell: (i) => tableAddress((c.end[i] ?? 1n) - 1n, bits),
    }),
    gridColumn({ id: 'size', title: 'Size', width: '6rem', ...num, cell: (i) => maddressSize(c.size[i] ?? 0) }),
    gridColumn({ id: 'type', title: 'Type', width: '9rem', sortable: true, cell: (i) => c.types[c.type[i] ?? 0] }),
    gridColumn({ id: 'state', title: 'State', width: '9rem', sortable: true, cell: (i) => c.states[c.state[i] ?? 0] }),
    gridColumn({
      id: 'protect',
      title: 'Protect',
      width: '12.5rem',
      sortable: true,
      cell: (i) => c.protects[c.protect[i] ?? 0],
    }),
    gridColumn({
      id: 'inDump',
      title: 'In Dump',
      width: '6rem',
      ...num,
      hint: 'Bytes of the region present in the dump file; the rest is mapped but unknown (not zeros)',
      cell: (i) => (
        <span className={c.inDump[i] === 0 ? 'muted' : c.truncated[i] === 1 ? 'warn' : undefined}>
          {maddressSize(c.inDump[i] ?? 0)}
        </span>
      ),
    }),
    gridColumn({
      id: 'touched',
      title: 'Touched',
      width: '6rem',
      ...num,
      hint: 'Census: bytes of the dumped 4 KiB pages that hold any non-zero byte',
      cell: (i) => <RegionTouchedCell index={i} size={c.size[i] ?? 0} inDump={c.inDump[i] ?? 0} />,
    }),
    gridColumn({
      id: 'tid',
      title: 'Tid',
      width: '4.5rem',
      ...num,
      cell: (i) => ((c.tid[i] ?? -1) < 0 ? '' : c.tid[i]),
    }),
    gridColumn({
      id: 'image',
      title: 'Image',
      width: 'minmax(14rem, 3fr)',
      sortable: true,
      cell: (i) => imageCell(c.images[c.image[i] ?? -1]),
    }),
    gridColumn({
      id: 'memory',
      title: 'Memory',
      width: '4.5rem',
      cell: (i) => (
        <button
          type="button"
          className="row-action"
          tabIndex={-1}
          title="Show this region's memory (hex view)"
          onClick={() => onShowMemory(c.start[i] ?? 0n)}
        >
          hex
        </button>
      ),
    }),
  ].map((col) => ({ ...col, sortDescFirst: NUMERIC_REGION_COLUMNS.has(col.id ?? '') }));
}

function imageCell(path: string | undefined): ReactNode {
  return path === undefined ? '' : <PathText path={path} />;
}

export function RegionsView(props: RegionsViewProps): ReactNode {
  const { view, prepared, filter, sort, selected } = props;
  const bits = view.overview.dump.bits;
  const census = useCensusState();
  const showMemory = props.onShowMemory ?? NO_MEMORY;
  // Stable while the census streams in: the Touched cells read it from CensusContext.
  const columns = useMemo(() => regionColumns(prepared, bits, showMemory), [prepared, bits, showMemory]);
  const filtered = useMemo(() => filterRegions(prepared, filter), [prepared, filter]);
  const byTouched = sort?.column === 'touched';
  // The census arrays change in place and its state is a new object per batch: sorting by Touched re-sorts on each
  // batch; sorting by another column never reads the census.
  const sortCensus = byTouched ? census : undefined;
  const rows = useMemo(
    () => sortRegions(prepared, filtered, sort, sortCensus?.data.touched),
    [prepared, filtered, sort, sortCensus],
  );
  const query = useMemo(() => interpretText(prepared, filter.text), [prepared, filter.text]);
  const narrow = useNarrow();
  useReportReady(`${view.id}:regions`);

  const textNote =
    query.mode === 'address'
      ? `${hexAddress(query.address)} is in the selected region`
      : query.mode === 'text' && query.address !== undefined
        ? `No region holds ${hexAddress(query.address)}; matching paths instead`
        : undefined;

  const onFilter = (next: RegionFilter) => {
    const q = interpretText(prepared, next.text);
    props.onFilter(next, q.mode === 'address' ? q.region : undefined);
  };
  const stem = view.fileName.replace(/\.[^.]*$/, '') || view.fileName;
  return (
    <div className="view regions-view">
      <RegionFilters cols={prepared.cols} filter={filter} onChange={onFilter} shown={rows.length} textNote={textNote} />
      <div className="toolbar">
        <CopyButton getText={() => props.exportText({ kind: 'regions-text', rows, census: censusExport(census) })} />
        <DownloadButton
          label="Download CSV"
          fileName={`${stem}-regions.csv`}
          type="text/csv"
          getText={() => props.exportText({ kind: 'regions-csv', rows, census: censusExport(census) })}
        />
        <span className="muted hint">
          Heuristic kinds carry a “?”: hover or focus it for the evidence. Enter or a double click shows a region’s
          memory.
        </span>
      </div>
      <VirtualTable
        label="Regions"
        testId="region-table"
        columns={columns}
        rows={rows}
        sort={sort}
        onSort={props.onSort}
        // On a phone, Type and State give way so that Touched is in sight.
        columnVisibility={{
          touched: props.touchedColumn === true,
          memory: props.onShowMemory !== undefined,
          type: !narrow,
          state: !narrow,
        }}
        onActivate={(i) => props.onShowMemory?.(prepared.cols.start[i] ?? 0n)}
        selected={selected}
        onSelect={props.onSelect}
        scrollTo={selected}
        scrollKey={props.scrollKey}
        empty={
          prepared.cols.count === 0
            ? 'This dump has no memory regions (no PT_LOAD segments).'
            : 'No region matches these filters.'
        }
      />
      {selected !== undefined && selected < prepared.cols.count && (
        <RegionDetail
          cols={prepared.cols}
          index={selected}
          bits={bits}
          onShowThread={props.onShowThread}
          onShowMemory={props.onShowMemory}
        />
      )}
    </div>
  );
}
