/**
 * A virtualized, keyboard-navigable table (ARIA grid) for up to millions of rows. @tanstack/react-table owns the
 * table model — column definitions (ColumnDef), header groups, the sorting state, cell rendering (flexRender) and
 * column visibility — while @tanstack/react-virtual decides which rows exist: the table is fed only the data
 * indices of the virtual window, so no per-row object is ever made for the 100k rows that are not on screen.
 *
 * Sorting and filtering stay outside (manualSorting): the views sort typed arrays (region-model.ts,
 * thread-model.ts) and pass the row order as `rows` (data indices in display order). A header click goes through
 * react-table's toggle (first direction per column: sortDescFirst; no "unsorted" third state) to `onSort`.
 *
 * Keyboard: the grid is one tab stop; ↑/↓/PgUp/PgDn/Home/End move the selection, Enter activates the row.
 */
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type RowData,
  type SortingState,
  type Updater,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useId, useMemo, useRef, type KeyboardEvent, type ReactNode } from 'react';
import type { SortSpec } from '../../state/hash-state';

declare module '@tanstack/react-table' {
  // The layout of a grid column; the type parameters must match react-table's own declaration.
  interface ColumnMeta<TData extends RowData, TValue> {
    /** A CSS grid track: "9rem", "minmax(12rem, 1fr)". */
    readonly width: string;
    readonly align?: 'left' | 'right';
    readonly mono?: boolean;
    /** Hover text for the header, e.g. what the column means. */
    readonly hint?: string;
  }
}

/** A column over data indices (the row's `original` is its index into the view's arrays). */
export type GridColumn = ColumnDef<number, number>;

export interface GridColumnSpec {
  readonly id: string;
  readonly title: string;
  readonly width: string;
  readonly align?: 'left' | 'right';
  readonly mono?: boolean;
  readonly hint?: string;
  readonly sortable?: boolean;
  /** The first click sorts descending (numbers: largest first). */
  readonly descFirst?: boolean;
  readonly cell: (dataIndex: number) => ReactNode;
}

/** The ColumnDef for a column spec: the accessor is the data index itself (sorting happens outside). */
export function gridColumn(spec: GridColumnSpec): GridColumn {
  const { id, title, width, align, mono, hint, cell } = spec;
  return {
    id,
    header: title,
    accessorFn: (dataIndex) => dataIndex,
    cell: (ctx) => cell(ctx.row.original),
    enableSorting: spec.sortable === true,
    sortDescFirst: spec.descFirst === true,
    meta: {
      width,
      ...(align !== undefined ? { align } : {}),
      ...(mono !== undefined ? { mono } : {}),
      ...(hint !== undefined ? { hint } : {}),
    },
  };
}

export interface VirtualTableProps {
  readonly label: string;
  readonly columns: readonly GridColumn[];
  /** Data indices in display order. */
  readonly rows: ArrayLike<number>;
  readonly sort?: SortSpec;
  readonly onSort?: (sort: SortSpec) => void;
  /** Columns hidden by id (false); everything else is shown. */
  readonly columnVisibility?: VisibilityState;
  readonly selected?: number;
  readonly onSelect?: (dataIndex: number) => void;
  readonly onActivate?: (dataIndex: number) => void;
  /** Scroll this data index into view whenever it (or `scrollKey`) changes. */
  readonly scrollTo?: number;
  readonly scrollKey?: unknown;
  readonly rowClass?: (dataIndex: number) => string | undefined;
  readonly empty?: ReactNode;
  readonly testId?: string;
}

/**
 * The scroll element's size, from a ResizeObserver only. react-virtual's own version also reads clientHeight the
 * moment it subscribes — in a layout effect, which forces Chromium to lay out the whole new page in the middle of
 * React's commit, inside the task that shows a dump's first rows (`npm run bench` prints the time to render the
 * first screen and the longest main-thread task). Until the observer's first report, which comes with the frame's own layout,
 * `initialRect` stands in. Without ResizeObserver it reads at once as before. Shared by every virtualizer over a
 * scroll element (this table, the hex view): pass it as `observeElementRect` together with an `initialRect`.
 */
export function observeSize(
  instance: Virtualizer<HTMLDivElement, Element>,
  report: (rect: { width: number; height: number }) => void,
): (() => void) | undefined {
  const element = instance.scrollElement;
  if (element === null) return undefined;
  const measure = () => report({ width: element.clientWidth, height: element.clientHeight });
  if (typeof ResizeObserver === 'undefined') {
    measure();
    return undefined;
  }
  const observer = new ResizeObserver(measure);
  observer.observe(element);
  return () => observer.disconnect();
}

const ROW_HEIGHT = 24;
const HEADER_HEIGHT = 28;

/** The table's narrowest width: the sum of each track's rem minimum, so narrow windows scroll sideways. */
function minWidthRem(widths: readonly string[]): number {
  return widths.reduce((sum, w) => sum + Number(/([\d.]+)rem/.exec(w)?.[1] ?? 6), 0);
}

function indexOf(rows: ArrayLike<number>, value: number | undefined): number {
  if (value === undefined) return -1;
  for (let i = 0; i < rows.length; i++) if (rows[i] === value) return i;
  return -1;
}

export function VirtualTable(props: VirtualTableProps): ReactNode {
  const { rows, sort, onSort, selected, onSelect, onActivate } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const id = useId();
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    // Rows past the visible ones: enough to scroll a few lines without blanks, few enough that a dump's first
    // screen stays cheap to build (every row is 11 cells).
    overscan: 6,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    // jsdom and the first paint have no layout yet: render a screenful rather than nothing.
    initialRect: { width: 1000, height: 600 },
    observeElementRect: observeSize,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  // The rows react-table sees: the window only. A new array only when the window moves: react-table rebuilds its
  // row model (and would queue auto-resets) whenever `data` changes identity.
  const windowRows = useMemo(() => {
    const out: number[] = [];
    for (let i = first; i <= last; i++) {
      const dataIndex = rows[i];
      if (dataIndex !== undefined) out.push(dataIndex);
    }
    return out;
  }, [rows, first, last]);
  const sorting: SortingState = sort === undefined ? [] : [{ id: sort.column, desc: sort.desc }];
  const onSortingChange = (updater: Updater<SortingState>) => {
    const first = (typeof updater === 'function' ? updater(sorting) : updater)[0];
    if (first !== undefined) onSort?.({ column: first.id, desc: first.desc });
  };
  const table = useReactTable<number>({
    data: windowRows,
    columns: props.columns as GridColumn[],
    getCoreRowModel: getCoreRowModel(),
    getRowId: (dataIndex) => String(dataIndex),
    manualSorting: true,
    // No pagination, expansion or grouping here: nothing must reset state behind the view's back (each reset is a
    // state update, and with a moving window a re-render loop).
    autoResetAll: false,
    enableSortingRemoval: false,
    enableMultiSort: false,
    state: { sorting, columnVisibility: props.columnVisibility ?? {} },
    onSortingChange,
  });
  const leaves = table.getVisibleLeafColumns();
  const widths = leaves.map((c) => c.columnDef.meta?.width ?? '6rem');
  const template = widths.join(' ');
  const minWidth = `${minWidthRem(widths)}rem`;
  const rowsById = table.getRowModel().rowsById;

  // Row positions of the selection and of the scroll target: linear scans over up to 100k rows, so computed once
  // per (rows, value) rather than on every render (each scroll step re-renders); one scan when they are the same.
  const selectedPos = useMemo(() => indexOf(rows, selected), [rows, selected]);
  const scrollIsSelected = props.scrollTo === selected;
  // Nothing to scan (undefined) when the target is the selection.
  const scrollTarget = scrollIsSelected ? undefined : props.scrollTo;
  const scrollPos = useMemo(() => indexOf(rows, scrollTarget), [rows, scrollTarget]);
  const position = scrollIsSelected ? selectedPos : scrollPos;
  useEffect(() => {
    if (position >= 0) virtualizer.scrollToIndex(position, { align: 'auto' });
    // scrollKey re-runs this when the same row is asked for again (a new selection from another view).
  }, [position, props.scrollKey, virtualizer]);

  const move = useCallback(
    (delta: number | 'home' | 'end') => {
      if (rows.length === 0 || onSelect === undefined) return;
      const at = selectedPos;
      const next =
        delta === 'home'
          ? 0
          : delta === 'end'
            ? rows.length - 1
            : Math.min(rows.length - 1, Math.max(0, (at < 0 ? -1 : at) + delta));
      const dataIndex = rows[next];
      if (dataIndex === undefined) return;
      onSelect(dataIndex);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    },
    [rows, selectedPos, onSelect, virtualizer],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 2);
    const keys: Record<string, number | 'home' | 'end'> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: 'home',
      End: 'end',
    };
    const delta = keys[e.key];
    if (delta !== undefined) {
      e.preventDefault();
      move(delta);
    } else if (e.key === 'Enter' && selected !== undefined) {
      e.preventDefault();
      onActivate?.(selected);
    }
  };

  return (
    <div
      ref={scrollRef}
      className="vtable"
      role="grid"
      aria-label={props.label}
      aria-rowcount={rows.length + 1}
      aria-colcount={leaves.length}
      aria-activedescendant={selectedPos >= 0 ? `${id}-r${selectedPos}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid={props.testId}
    >
      {table.getHeaderGroups().map((group) => (
        <div
          key={group.id}
          className="vtable-head"
          role="row"
          aria-rowindex={1}
          style={{ gridTemplateColumns: template, height: HEADER_HEIGHT, minWidth }}
        >
          {group.headers.map((h) => {
            const meta = h.column.columnDef.meta;
            const canSort = h.column.getCanSort() && onSort !== undefined;
            const dir = h.column.getIsSorted();
            const sorted =
              dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : h.column.getCanSort() ? 'none' : undefined;
            const title = flexRender(h.column.columnDef.header, h.getContext());
            return (
              <div
                key={h.id}
                role="columnheader"
                aria-sort={sorted}
                className={`vtable-th ${meta?.align === 'right' ? 'num' : ''}`}
                title={meta?.hint}
              >
                {canSort ? (
                  <button type="button" className="sort-button" onClick={h.column.getToggleSortingHandler()}>
                    {title}
                    <span className="sort-mark" aria-hidden="true">
                      {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : ''}
                    </span>
                  </button>
                ) : (
                  title
                )}
              </div>
            );
          })}
        </div>
      ))}
      {rows.length === 0 ? (
        <div className="vtable-empty">{props.empty ?? 'No rows.'}</div>
      ) : (
        <div className="vtable-body" style={{ height: virtualizer.getTotalSize() - HEADER_HEIGHT, minWidth }}>
          {items.map((item) => {
            const dataIndex = rows[item.index];
            const row = dataIndex === undefined ? undefined : rowsById[String(dataIndex)];
            if (dataIndex === undefined || row === undefined) return undefined;
            const isSelected = dataIndex === selected;
            return (
              <div
                key={item.key}
                id={`${id}-r${item.index}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                data-index={dataIndex}
                className={`vtable-row ${isSelected ? 'selected' : ''} ${props.rowClass?.(dataIndex) ?? ''}`}
                style={{
                  gridTemplateColumns: template,
                  transform: `translateY(${item.start - HEADER_HEIGHT}px)`,
                  height: ROW_HEIGHT,
                  minWidth,
                }}
                onClick={() => onSelect?.(dataIndex)}
                onDoubleClick={() => onActivate?.(dataIndex)}
              >
                {row.getVisibleCells().map((cell) => {
                  const meta = cell.column.columnDef.meta;
                  return (
                    <div
                      key={cell.id}
                      role="gridcell"
                      className={`vtable-td ${meta?.align === 'right' ? 'num' : ''} ${meta?.mono ? 'mono' : ''}`}
                    >
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
