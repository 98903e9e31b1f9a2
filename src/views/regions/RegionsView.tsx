/**
 * Every region, SOS `!maddress` columns first (Memory Kind, StartAddr, EndAddr-1, Size, Type, State, Protect,
 * Image) plus bytes in dump and thread id. Filtering and sorting are region-model.ts; this file only wires them.
 */
import { useMemo, type ReactNode } from 'react';
import type { AnalysisView, ExportRequest } from '../../../workers/engine-protocol';
import { nextSort, type RegionFilter, type SortSpec } from '../../app/hash-state';
import { hexAddress, tableAddress } from '../../core/format/address';
import { maddressSize } from '../../core/format/size';
import { CopyButton, DownloadButton } from '../common/ExportButtons';
import { KindLabel } from '../common/HeuristicBadge';
import { useReportReady } from '../common/use-report-ready';
import { VirtualTable, type TableColumn } from '../common/VirtualTable';
import { RegionDetail } from './RegionDetail';
import { RegionFilters } from './RegionFilters';
import { filterRegions, interpretText, NUMERIC_REGION_COLUMNS, sortRegions, type PreparedRegions } from './region-model';

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
}

/** Wide enough for the longest address in the table (12 hex digits usually, 16 for kernel-half addresses). */
function addressWidth(p: PreparedRegions, bits: 32 | 64): string {
  const digits = Math.max(bits === 64 ? 12 : 8, p.cols.addressDigits);
  return `${(digits * 0.56 + 1.6).toFixed(1)}rem`;
}

function regionColumns(p: PreparedRegions, bits: 32 | 64): TableColumn[] {
  const c = p.cols;
  const address = addressWidth(p, bits);
  return [
    {
      id: 'kind',
      title: 'Memory Kind',
      width: 'minmax(10.5rem, 1fr)',
      sortable: true,
      cell: (i) => <KindLabel kind={c.kinds[c.kind[i] ?? 0] ?? ''} heuristic={c.heuristics[c.heuristic[i] ?? -1]} />,
    },
    { id: 'start', title: 'StartAddr', width: address, align: 'right', mono: true, sortable: true, cell: (i) => tableAddress(c.start[i] ?? 0n, bits) },
    { id: 'end', title: 'EndAddr-1', width: address, align: 'right', mono: true, sortable: true, cell: (i) => tableAddress((c.end[i] ?? 1n) - 1n, bits) },
    { id: 'size', title: 'Size', width: '6rem', align: 'right', sortable: true, cell: (i) => maddressSize(c.size[i] ?? 0) },
    { id: 'type', title: 'Type', width: '9rem', sortable: true, cell: (i) => c.types[c.type[i] ?? 0] },
    { id: 'state', title: 'State', width: '9rem', sortable: true, cell: (i) => c.states[c.state[i] ?? 0] },
    { id: 'protect', title: 'Protect', width: '12.5rem', sortable: true, cell: (i) => c.protects[c.protect[i] ?? 0] },
    {
      id: 'inDump',
      title: 'In Dump',
      width: '6rem',
      align: 'right',
      sortable: true,
      hint: 'Bytes of the region present in the dump file; the rest is mapped but unknown (not zeros)',
      cell: (i) => <span className={c.inDump[i] === 0 ? 'muted' : c.truncated[i] === 1 ? 'warn' : undefined}>{maddressSize(c.inDump[i] ?? 0)}</span>,
    },
    { id: 'tid', title: 'Tid', width: '4.5rem', align: 'right', sortable: true, cell: (i) => ((c.tid[i] ?? -1) < 0 ? '' : c.tid[i]) },
    { id: 'image', title: 'Image', width: 'minmax(14rem, 3fr)', sortable: true, cell: (i) => <span className="path">{c.images[c.image[i] ?? -1] ?? ''}</span> },
  ];
}

export function RegionsView(props: RegionsViewProps): ReactNode {
  const { view, prepared, filter, sort, selected } = props;
  const bits = view.overview.dump.bits;
  const columns = useMemo(() => regionColumns(prepared, bits), [prepared, bits]);
  const filtered = useMemo(() => filterRegions(prepared, filter), [prepared, filter]);
  const rows = useMemo(() => sortRegions(prepared, filtered, sort), [prepared, filtered, sort]);
  const query = useMemo(() => interpretText(prepared, filter.text), [prepared, filter.text]);
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
        <CopyButton getText={() => props.exportText({ kind: 'regions-text', rows })} />
        <DownloadButton label="Download CSV" fileName={`${stem}-regions.csv`} type="text/csv" getText={() => props.exportText({ kind: 'regions-csv', rows })} />
        <span className="muted hint">Heuristic kinds carry a “?”: hover or focus it for the evidence.</span>
      </div>
      <VirtualTable
        label="Regions"
        testId="region-table"
        columns={columns}
        rows={rows}
        sort={sort}
        onSort={(column) => props.onSort(nextSort(sort, column, NUMERIC_REGION_COLUMNS.has(column)))}
        selected={selected}
        onSelect={props.onSelect}
        scrollTo={selected}
        scrollKey={props.scrollKey}
        empty={prepared.cols.count === 0 ? 'This dump has no memory regions (no PT_LOAD segments).' : 'No region matches these filters.'}
      />
      {selected !== undefined && selected < prepared.cols.count && <RegionDetail cols={prepared.cols} index={selected} bits={bits} onShowThread={props.onShowThread} />}
    </div>
  );
}
