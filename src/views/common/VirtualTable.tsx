/**
 * A virtualized, keyboard-navigable table (ARIA grid) for up to millions of rows: only the rows on screen are
 * rendered (@tanstack/react-virtual), so cells are formatted lazily. Sorting and filtering happen outside; the
 * table gets the row order (`rows`: data indices in display order) and renders `column.cell(dataIndex)`.
 *
 * Keyboard: the grid is one tab stop; ↑/↓/PgUp/PgDn/Home/End move the selection, Enter activates the row.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import type { SortSpec } from '../../app/hash-state';

export interface TableColumn {
  readonly id: string;
  readonly title: string;
  readonly align?: 'left' | 'right';
  /** A CSS grid track: "9rem", "minmax(12rem, 1fr)". */
  readonly width: string;
  readonly sortable?: boolean;
  /** Hover text for the header, e.g. what the column means. */
  readonly hint?: string;
  readonly mono?: boolean;
  readonly cell: (dataIndex: number) => ReactNode;
}

export interface VirtualTableProps {
  readonly label: string;
  readonly columns: readonly TableColumn[];
  /** Data indices in display order. */
  readonly rows: ArrayLike<number>;
  readonly sort?: SortSpec;
  readonly onSort?: (columnId: string) => void;
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

const ROW_HEIGHT = 24;
const HEADER_HEIGHT = 28;

/** The table's narrowest width: the sum of each track's rem minimum, so narrow windows scroll sideways. */
function minWidthRem(columns: readonly TableColumn[]): number {
  return columns.reduce((sum, c) => sum + Number(/([\d.]+)rem/.exec(c.width)?.[1] ?? 6), 0);
}

function indexOf(rows: ArrayLike<number>, value: number | undefined): number {
  if (value === undefined) return -1;
  for (let i = 0; i < rows.length; i++) if (rows[i] === value) return i;
  return -1;
}

export function VirtualTable(props: VirtualTableProps): ReactNode {
  const { columns, rows, sort, onSort, selected, onSelect, onActivate } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const id = useId();
  const template = columns.map((c) => c.width).join(' ');
  const minWidth = `${minWidthRem(columns)}rem`;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    // jsdom and the first paint have no layout yet: render a screenful rather than nothing.
    initialRect: { width: 1000, height: 600 },
  });

  const position = indexOf(rows, props.scrollTo);
  useEffect(() => {
    if (position >= 0) virtualizer.scrollToIndex(position, { align: 'auto' });
    // scrollKey re-runs this when the same row is asked for again (a new selection from another view).
  }, [position, props.scrollKey, virtualizer]);

  const move = useCallback(
    (delta: number | 'home' | 'end') => {
      if (rows.length === 0 || onSelect === undefined) return;
      const at = indexOf(rows, selected);
      const next = delta === 'home' ? 0 : delta === 'end' ? rows.length - 1 : Math.min(rows.length - 1, Math.max(0, (at < 0 ? -1 : at) + delta));
      const dataIndex = rows[next];
      if (dataIndex === undefined) return;
      onSelect(dataIndex);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    },
    [rows, selected, onSelect, virtualizer],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 2);
    const keys: Record<string, number | 'home' | 'end'> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: 'home', End: 'end' };
    const delta = keys[e.key];
    if (delta !== undefined) {
      e.preventDefault();
      move(delta);
    } else if (e.key === 'Enter' && selected !== undefined) {
      e.preventDefault();
      onActivate?.(selected);
    }
  };

  const selectedPos = indexOf(rows, selected);
  return (
    <div
      ref={scrollRef}
      className="vtable"
      role="grid"
      aria-label={props.label}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      aria-activedescendant={selectedPos >= 0 ? `${id}-r${selectedPos}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid={props.testId}
    >
      <div className="vtable-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, height: HEADER_HEIGHT, minWidth }}>
        {columns.map((c) => {
          const sorted = sort?.column === c.id ? (sort.desc ? 'descending' : 'ascending') : c.sortable ? 'none' : undefined;
          return (
            <div key={c.id} role="columnheader" aria-sort={sorted} className={`vtable-th ${c.align === 'right' ? 'num' : ''}`} title={c.hint}>
              {c.sortable && onSort ? (
                <button type="button" className="sort-button" onClick={() => onSort(c.id)}>
                  {c.title}
                  <span className="sort-mark" aria-hidden="true">
                    {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : ''}
                  </span>
                </button>
              ) : (
                c.title
              )}
            </div>
          );
        })}
      </div>
      {rows.length === 0 ? (
        <div className="vtable-empty">{props.empty ?? 'No rows.'}</div>
      ) : (
        <div className="vtable-body" style={{ height: virtualizer.getTotalSize() - HEADER_HEIGHT, minWidth }}>
          {virtualizer.getVirtualItems().map((item) => {
            const dataIndex = rows[item.index];
            if (dataIndex === undefined) return undefined;
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
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start - HEADER_HEIGHT}px)`, height: ROW_HEIGHT, minWidth }}
                onClick={() => onSelect?.(dataIndex)}
                onDoubleClick={() => onActivate?.(dataIndex)}
              >
                {columns.map((c) => (
                  <div key={c.id} role="gridcell" className={`vtable-td ${c.align === 'right' ? 'num' : ''} ${c.mono ? 'mono' : ''}`}>
                    {c.cell(dataIndex)}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
