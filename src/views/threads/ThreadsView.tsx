/**
 * One row per thread (tid, signal, pc as module+offset, sp, stack size, used depth, % used), the stack-size
 * distribution and what the stacks add up to. Selecting a thread shows its detail; Enter, a double click or
 * "Show stack region" opens its stack in the region table.
 */
import { useMemo, type ReactNode } from 'react';
import type { AnalysisView, ExportRequest } from '../../../workers/engine-protocol';
import { nextSort, type SortSpec } from '../../app/hash-state';
import { groupedBytes, humanSize, maddressSize } from '../../core/format/size';
import { CopyButton } from '../common/ExportButtons';
import { VirtualTable, type TableColumn } from '../common/VirtualTable';
import { StackSizeChart } from './StackSizeChart';
import { ThreadDetail } from './ThreadDetail';
import { filterThreads, NUMERIC_THREAD_COLUMNS, sortThreads, stackDistribution, usedPercent } from './thread-model';

export interface ThreadsViewProps {
  readonly view: AnalysisView;
  readonly text: string;
  readonly sort?: SortSpec;
  readonly selectedTid?: number;
  readonly scrollKey: number;
  readonly onText: (text: string) => void;
  readonly onSort: (sort: SortSpec) => void;
  readonly onSelect: (tid: number) => void;
  readonly onShowStack: (region: number) => void;
  readonly exportText: (request: ExportRequest) => Promise<string>;
}

export function ThreadsView(props: ThreadsViewProps): ReactNode {
  const { view, text, sort } = props;
  const threads = view.threads;
  const rows = useMemo(() => sortThreads(threads, filterThreads(threads, text), sort), [threads, text, sort]);
  const buckets = useMemo(() => stackDistribution(threads), [threads]);
  const selected = useMemo(() => {
    const i = threads.findIndex((t) => t.tid === props.selectedTid);
    return i < 0 ? undefined : i;
  }, [threads, props.selectedTid]);
  const stackTotal = useMemo(() => threads.reduce((a, t) => a + (t.stackSize ?? 0), 0), [threads]);
  const addressSpace = useMemo(() => view.totals.reduce((a, t) => a + t.size, 0), [view.totals]);

  const columns: TableColumn[] = useMemo(
    () => [
      { id: 'tid', title: 'Tid', width: '6rem', align: 'right', sortable: true, cell: (i) => threads[i]?.tid },
      {
        id: 'signal',
        title: 'Signal',
        width: '11rem',
        sortable: true,
        cell: (i) => {
          const t = threads[i];
          return t === undefined ? '' : (
            <>
              {t.signalName}
              {t.crashed && <span className="tag crash">crashed</span>}
            </>
          );
        },
      },
      { id: 'pc', title: 'PC', width: 'minmax(14rem, 2fr)', mono: true, sortable: true, cell: (i) => threads[i]?.pcSymbol ?? threads[i]?.pc ?? '?' },
      { id: 'sp', title: 'SP', width: '9.5rem', align: 'right', mono: true, sortable: true, cell: (i) => threads[i]?.sp ?? '?' },
      { id: 'stackSize', title: 'Stack Size', width: '6.5rem', align: 'right', sortable: true, cell: (i) => size(threads[i]?.stackSize) },
      { id: 'stackUsed', title: 'Used', width: '6rem', align: 'right', sortable: true, hint: 'Stack top minus sp: how deep the thread is', cell: (i) => size(threads[i]?.stackUsed) },
      {
        id: 'usedPercent',
        title: '% Used',
        width: '5.5rem',
        align: 'right',
        sortable: true,
        cell: (i) => {
          const t = threads[i];
          const p = t === undefined ? undefined : usedPercent(t);
          return p === undefined ? '' : `${p.toFixed(1)} %`;
        },
      },
    ],
    [threads],
  );
  const top = buckets[0];
  const share = addressSpace > 0 ? (stackTotal / addressSpace) * 100 : 0;
  const thread = selected === undefined ? undefined : threads[selected];
  return (
    <div className="view threads-view">
      <section className="panel" aria-labelledby="stack-title">
        <header className="panel-head">
          <h2 id="stack-title">Stacks</h2>
          <p className="summary" data-testid="stack-summary">
            {groupedBytes(threads.length)} thread{threads.length === 1 ? '' : 's'} · stacks {humanSize(stackTotal)} = {share.toFixed(1)} % of the {humanSize(addressSpace)} address space
            {top !== undefined && top.size !== undefined && top.count > 1 && (
              <>
                {' '}
                · largest group: <strong>
                  {top.count} × {humanSize(top.size)} = {humanSize(top.total)}
                </strong>
              </>
            )}
          </p>
        </header>
        <StackSizeChart buckets={buckets} readyKey={`${view.id}:threads`} />
      </section>
      <div className="filters" role="search" aria-label="Filter threads">
        <label className="text-filter">
          <span className="picker-label">Filter</span>
          <input type="search" value={text} placeholder="tid, signal, libc.so.6+0x…" spellCheck={false} onChange={(e) => props.onText(e.target.value)} />
        </label>
        <span className="count">
          {groupedBytes(rows.length)} of {groupedBytes(threads.length)} threads
        </span>
        <CopyButton getText={() => props.exportText({ kind: 'threads-text', rows: Uint32Array.from(rows) })} />
      </div>
      <VirtualTable
        label="Threads"
        testId="thread-table"
        columns={columns}
        rows={rows}
        sort={sort}
        onSort={(column) => props.onSort(nextSort(sort, column, NUMERIC_THREAD_COLUMNS.has(column)))}
        selected={selected}
        onSelect={(i) => {
          const t = threads[i];
          if (t !== undefined) props.onSelect(t.tid);
        }}
        onActivate={(i) => {
          const region = threads[i]?.stackRegion;
          if (region !== undefined) props.onShowStack(region);
        }}
        scrollTo={selected}
        scrollKey={props.scrollKey}
        rowClass={(i) => (threads[i]?.crashed ? 'crashed' : undefined)}
        empty={threads.length === 0 ? 'The dump lists no threads (no NT_PRSTATUS notes).' : 'No thread matches the filter.'}
      />
      {thread !== undefined && <ThreadDetail thread={thread} onShowStack={props.onShowStack} />}
    </div>
  );
}

function size(bytes: number | undefined): string {
  return bytes === undefined ? '' : maddressSize(bytes);
}
