/**
 * One row per thread (tid, signal, pc as module+offset, sp, stack size, used depth, % used, from the census the
 * stack's touched bytes and high-water depth, and from the stacks pass its top frame and the system call it is
 * blocked in), the stack groups ("what are the threads doing"), the stack-size distribution and what the stacks
 * add up to. A stack group opens its threads here (a tid filter); selecting a thread shows its detail; Enter, a
 * double click or "Show stack region" opens its stack in the region table.
 */
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import type { AnalysisView, ExportRequest, RegisterValue } from '../../../workers/engine-protocol';
import { censusExport, type CensusState } from '../../state/census-data';
import type { SortSpec } from '../../state/hash-state';
import { groupedBytes, humanSize, maddressSize } from '../../core/format/size';
import { useCensusState } from '../common/census-context';
import { useStacksState } from '../common/stacks-context';
import { useNarrow } from '../common/use-narrow';
import { CopyButton } from '../common/ExportButtons';
import { gridColumn, VirtualTable, type GridColumn } from '../common/VirtualTable';
import { frameText } from '../../core/model/frame-text';
import { topFrame } from '../../core/model/stack-groups';
import { StackGroups } from './StackGroups';
import { StackSizeChart } from './StackSizeChart';
import { ThreadDetail } from './ThreadDetail';
import {
  blockedInText,
  filterThreads,
  NUMERIC_THREAD_COLUMNS,
  sortThreads,
  stackDistribution,
  stackTexts,
  syscallCounts,
  usedPercent,
  type ThreadFilter,
} from './thread-model';

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
  readonly onShowMemory?: (address: bigint) => void;
  readonly exportText: (request: ExportRequest) => Promise<string>;
  /** A thread's registers, by its index (asked for when its registers are opened). */
  readonly loadRegisters: (thread: number) => Promise<readonly RegisterValue[]>;
  /** Show the census columns (also before the census has started). */
  readonly censusColumns?: boolean;
  /**
   * The filters beside the text (a set of tids from a stack group or a finding, a system call). Controlled when
   * `onFilter` is given; otherwise the view keeps them itself, starting from `filter`.
   */
  readonly filter?: ThreadFilter;
  readonly onFilter?: (filter: ThreadFilter) => void;
}

const NO_FILTER: ThreadFilter = {};
const STACK_COLUMNS: ReadonlySet<string> = new Set(['topFrame', 'blockedIn']);

export function ThreadsView(props: ThreadsViewProps): ReactNode {
  const { view, text, sort, onFilter: setFilterProp } = props;
  const threads = view.threads;
  const census = useCensusState();
  const stacks = useStacksState();
  // The view's own filters belong to the dump they were set on: another dump starts unfiltered.
  const [own, setOwn] = useState({ dump: view.id, filter: props.filter ?? NO_FILTER });
  const ownFilter = own.dump === view.id ? own.filter : NO_FILTER;
  const setOwnFilter = useCallback((f: ThreadFilter) => setOwn({ dump: view.id, filter: f }), [view.id]);
  const filter = setFilterProp === undefined ? ownFilter : (props.filter ?? NO_FILTER);
  const setFilter = setFilterProp ?? setOwnFilter;
  const stacksOn = stacks !== undefined && stacks.status !== 'off';
  // Keyed by the arrays, not the state: a batch that changes neither (progress, findings) keeps the texts.
  const stackArray = stacks?.stacks;
  const syscallArray = stacks?.syscalls;
  const texts = useMemo(
    () =>
      stackArray === undefined || syscallArray === undefined
        ? undefined
        : stackTexts(threads.length, stackArray, syscallArray),
    [threads.length, stackArray, syscallArray],
  );
  // Like the census: the texts are read for the rows only when the text, the syscall filter or the sort needs them,
  // so a batch of stacks does not re-filter a table that does not look at them.
  const rowTexts =
    text.trim() !== '' || filter.syscall !== undefined || STACK_COLUMNS.has(sort?.column ?? '') ? texts : undefined;
  const syscallOptions = useMemo(() => (texts === undefined ? [] : syscallCounts(texts)), [texts]);
  const byCensus = sort?.column === 'stackTouched' || sort?.column === 'peakDepth';
  // The census arrays change in place and its state is a new object per batch: sorting by a census column re-sorts
  // on each batch; sorting by another column never reads the census.
  const sortCensus = byCensus ? census : undefined;
  const rows = useMemo(() => {
    const threadCensus =
      sortCensus === undefined
        ? undefined
        : { touched: sortCensus.data.threadTouched, depth: sortCensus.data.threadDepth };
    return sortThreads(threads, filterThreads(threads, text, rowTexts, filter), sort, threadCensus, rowTexts);
  }, [threads, text, sort, sortCensus, rowTexts, filter]);
  const showThreads = useCallback(
    (tids: readonly number[], label: string) => setFilter({ ...filter, tids, tidsLabel: label }),
    [filter, setFilter],
  );
  const buckets = useMemo(() => stackDistribution(threads), [threads]);
  const selected = useMemo(() => {
    const i = threads.findIndex((t) => t.tid === props.selectedTid);
    return i < 0 ? undefined : i;
  }, [threads, props.selectedTid]);
  const stackTotal = useMemo(() => threads.reduce((a, t) => a + (t.stackSize ?? 0), 0), [threads]);
  const addressSpace = useMemo(() => view.totals.reduce((a, t) => a + t.size, 0), [view.totals]);
  const narrow = useNarrow();

  const columns: GridColumn[] = useMemo(
    () =>
      [
        gridColumn({
          id: 'tid',
          title: 'Tid',
          width: '6rem',
          align: 'right',
          sortable: true,
          cell: (i) => threads[i]?.tid,
        }),
        gridColumn({
          id: 'signal',
          title: 'Signal',
          width: '11rem',
          sortable: true,
          cell: (i) => {
            const t = threads[i];
            return t === undefined ? (
              ''
            ) : (
              <>
                {t.signalName}
                {t.crashed && <span className="tag crash">crashed</span>}
              </>
            );
          },
        }),
        gridColumn({
          id: 'pc',
          title: 'PC',
          width: narrow ? 'minmax(9rem, 2fr)' : 'minmax(14rem, 2fr)',
          mono: true,
          sortable: true,
          cell: (i) => threads[i]?.pcSymbol ?? threads[i]?.pc ?? '?',
        }),
        gridColumn({
          id: 'sp',
          title: 'SP',
          width: '9.5rem',
          align: 'right',
          mono: true,
          sortable: true,
          cell: (i) => threads[i]?.sp ?? '?',
        }),
        gridColumn({
          id: 'stackSize',
          title: 'Stack Size',
          width: '6.5rem',
          align: 'right',
          sortable: true,
          cell: (i) => size(threads[i]?.stackSize),
        }),
        gridColumn({
          id: 'stackUsed',
          title: 'Used',
          width: '6rem',
          align: 'right',
          sortable: true,
          hint: 'Stack top minus sp: how deep the thread is',
          cell: (i) => size(threads[i]?.stackUsed),
        }),
        gridColumn({
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
        }),
        gridColumn({
          id: 'stackTouched',
          title: 'Touched',
          width: '6rem',
          align: 'right',
          sortable: true,
          hint: 'Census: bytes of the stack region in pages holding non-zero data',
          cell: (i) => <ThreadCensusCell index={i} region={threads[i]?.stackRegion} value="touched" />,
        }),
        gridColumn({
          id: 'peakDepth',
          title: 'High-water',
          width: '7.5rem',
          align: 'right',
          sortable: true,
          hint: 'Census: stack top minus the deepest touched page — the deepest the stack has ever been, to a page',
          cell: (i) => <ThreadCensusCell index={i} region={threads[i]?.stackRegion} value="depth" />,
        }),
        gridColumn({
          id: 'topFrame',
          title: 'Top frame',
          width: 'minmax(12rem, 2fr)',
          mono: true,
          sortable: true,
          hint: 'Stacks: the innermost frame that says what the thread does (past recv, futex and other wait wrappers)',
          cell: (i) => <TopFrameCell index={i} />,
        }),
        gridColumn({
          id: 'blockedIn',
          title: 'Blocked in',
          width: 'minmax(12rem, 2fr)',
          mono: true,
          sortable: true,
          hint: 'The system call the thread is in, read from its registers',
          cell: (i) => <BlockedInCell index={i} />,
        }),
      ]
        .map((c) => ({ ...c, sortDescFirst: NUMERIC_THREAD_COLUMNS.has(c.id ?? '') }))
        .sort((a, b) => (narrow ? narrowRank(a.id) - narrowRank(b.id) : 0)),
    // Stable while the census streams in: the census cells read it from CensusContext.
    [threads, narrow],
  );
  const top = buckets[0];
  const share = addressSpace > 0 ? (stackTotal / addressSpace) * 100 : 0;
  const thread = selected === undefined ? undefined : threads[selected];
  return (
    <div className="view threads-view">
      <StackGroups onShowThreads={showThreads} />
      <section className="panel" aria-labelledby="stack-title">
        <header className="panel-head">
          <h2 id="stack-title">Stacks</h2>
          <p className="summary" data-testid="stack-summary">
            {groupedBytes(threads.length)} thread{threads.length === 1 ? '' : 's'} · stacks {humanSize(stackTotal)} ={' '}
            {share.toFixed(1)} % of the {humanSize(addressSpace)} address space
            {top !== undefined && top.size !== undefined && top.count > 1 && (
              <>
                {' '}
                · largest group:{' '}
                <strong>
                  {top.count} × {humanSize(top.size)} = {humanSize(top.total)}
                </strong>
              </>
            )}
          </p>
          {census !== undefined && <StackCensusLine census={census} stackTotal={stackTotal} />}
        </header>
        <StackSizeChart buckets={buckets} readyKey={`${view.id}:threads`} />
      </section>
      <div className="filters" role="search" aria-label="Filter threads">
        <label className="text-filter">
          <span className="picker-label">Filter</span>
          <input
            type="search"
            value={text}
            placeholder={stacksOn ? 'tid, signal, frame, futex, libc.so.6+0x…' : 'tid, signal, libc.so.6+0x…'}
            spellCheck={false}
            onChange={(e) => props.onText(e.target.value)}
          />
        </label>
        {syscallOptions.length > 0 && (
          <label className="picker">
            <span className="picker-label">Blocked in</span>
            <select
              value={filter.syscall ?? ''}
              onChange={(e) => {
                const { syscall: _, ...rest } = filter;
                setFilter(e.target.value === '' ? rest : { ...rest, syscall: e.target.value });
              }}
            >
              <option value="">any</option>
              {syscallOptions.map((o) => (
                <option key={o.name} value={o.name}>
                  {o.name} ({o.count.toLocaleString('en-US')})
                </option>
              ))}
            </select>
          </label>
        )}
        {filter.tids !== undefined && (
          <span className="filter-chip" data-testid="tid-filter">
            {filter.tidsLabel ?? threadCountText(filter.tids.length)}{' '}
            <button
              type="button"
              aria-label="Show all threads"
              title="Show all threads"
              onClick={() => {
                const { tids: _t, tidsLabel: _l, ...rest } = filter;
                setFilter(rest);
              }}
            >
              ✕
            </button>
          </span>
        )}
        <span className="count">
          {groupedBytes(rows.length)} of {groupedBytes(threads.length)} threads
        </span>
        <CopyButton
          getText={() =>
            props.exportText({ kind: 'threads-text', rows: Uint32Array.from(rows), census: censusExport(census) })
          }
        />
      </div>
      <VirtualTable
        label="Threads"
        testId="thread-table"
        columns={columns}
        rows={rows}
        sort={sort}
        onSort={props.onSort}
        // On a phone, the sizes come first and Signal, SP, % Used and High-water give way (the detail has them).
        columnVisibility={{
          stackTouched: props.censusColumns === true,
          peakDepth: props.censusColumns === true && !narrow,
          signal: !narrow,
          sp: !narrow,
          usedPercent: !narrow,
          topFrame: stacksOn,
          blockedIn: stacksOn && !narrow,
        }}
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
        empty={
          threads.length === 0 ? 'The dump lists no threads (no NT_PRSTATUS notes).' : 'No thread matches the filter.'
        }
      />
      {thread !== undefined && selected !== undefined && (
        <ThreadDetail
          // Keyed by dump: another dump's detail starts afresh (its registers closed, nothing shown from this one).
          key={props.view.id}
          dumpId={props.view.id}
          thread={thread}
          index={selected}
          loadRegisters={props.loadRegisters}
          onShowStack={props.onShowStack}
          onShowMemory={props.onShowMemory}
        />
      )}
    </div>
  );
}

function threadCountText(n: number): string {
  return `${groupedBytes(n)} thread${n === 1 ? '' : 's'}`;
}

/** A thread's top frame (past the wait wrappers), read from the stacks context (the column keeps its identity as stacks stream in). */
function TopFrameCell({ index }: { readonly index: number }): ReactNode {
  const stacks = useStacksState();
  const stack = stacks?.stacks[index];
  if (stack === undefined) return stacks?.status === 'running' ? <span className="muted">…</span> : '';
  // Every frame a wait wrapper: the innermost still says more than nothing.
  const f = topFrame(stack.frames) ?? stack.frames[0];
  return f === undefined ? <span className="muted">no frames</span> : frameText(f);
}

/** The system call a thread is blocked in (from its registers: known before its walk). */
function BlockedInCell({ index }: { readonly index: number }): ReactNode {
  const syscall = useStacksState()?.syscalls[index];
  if (syscall === undefined) return '';
  return <span title={`From ${syscall.evidence}`}>{blockedInText(syscall)}</span>;
}

/** Column order on a phone: what the view is for (stack sizes and use) before the long PC text. */
const NARROW_ORDER = ['tid', 'stackSize', 'stackTouched', 'stackUsed', 'pc'];

function narrowRank(id: string | undefined): number {
  const i = NARROW_ORDER.indexOf(id ?? '');
  return i < 0 ? NARROW_ORDER.length : i;
}

function size(bytes: number | undefined): string {
  return bytes === undefined ? '' : maddressSize(bytes);
}

/** What the census says about all stacks together: how little of them was ever used. */
function StackCensusLine({
  census,
  stackTotal,
}: {
  readonly census: CensusState;
  readonly stackTotal: number;
}): ReactNode {
  const d = census.data;
  let touched = 0;
  let deepest = 0;
  let known = 0;
  d.threadTouched.forEach((t, i) => {
    if (Number.isNaN(t)) return;
    known++;
    touched += t;
    deepest = Math.max(deepest, d.threadDepth[i] ?? 0);
  });
  return (
    <p className="summary" data-testid="stack-touched">
      Census: {humanSize(touched)} of the stacks’ {humanSize(stackTotal)} hold non-zero bytes
      {known > 0 && <> · deepest high-water mark {humanSize(deepest)}</>}
      {census.status === 'running' && <span className="muted"> (scanning…)</span>}
      {(census.status === 'failed' || census.status === 'cancelled') && <span className="warn"> (incomplete)</span>}
    </p>
  );
}

/** A census value of a thread's stack: "…" while scanning, "?" if the census stopped first; "*" when partial. */
function ThreadCensusCell({
  index,
  region,
  value: which,
}: {
  readonly index: number;
  readonly region: number | undefined;
  readonly value: 'touched' | 'depth';
}): ReactNode {
  const census = useCensusState();
  const value = which === 'touched' ? census?.data.threadTouched[index] : census?.data.threadDepth[index];
  const partial = which === 'depth' && census?.data.threadPartial[index] === 1;
  if (region === undefined) return '';
  if (value === undefined || Number.isNaN(value))
    return census?.status === 'running' ? (
      <span className="muted">…</span>
    ) : census === undefined ? (
      ''
    ) : (
      <span className="warn">?</span>
    );
  return partial ? (
    <span title="Part of the stack is not in the dump: this is what the dumped pages show">{maddressSize(value)}*</span>
  ) : (
    maddressSize(value)
  );
}
