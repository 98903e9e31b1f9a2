/**
 * "What are the threads doing": the stack groups of the stacks pass, either merged into one tree as
 * `dotnet-dump analyze`'s pstacks prints them (shared outer frames once, a branch where stacks diverge, each node
 * with how many threads pass through it) or as a flat list of groups, largest first. A node or group opens its
 * threads in the table below (`onShowThreads`). While the pass runs the groups fill in and a progress line says how
 * far it is; nothing here blocks the table.
 *
 * The tree is an ARIA tree over flattened rows (stack-tree-model.ts): one tab stop, arrows move and fold, Enter
 * opens the threads. Long trees and lists render only the rows on screen.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import type { StackGroup } from '../../core/types';
import { frameText } from '../../core/model/frame-text';
import { mergeStacks } from '../../core/model/stack-groups';
import type { StacksState } from '../../state/stacks-data';
import { useStacksState } from '../common/stacks-context';
import { stackSummary, threadCount, visibleRows, type TreeRow } from './stack-tree-model';
import '../stacks.css';

export interface StackGroupsProps {
  /** Filter the thread table to these threads; `label` says which set it is. */
  readonly onShowThreads: (tids: readonly number[], label: string) => void;
}

/** Rows past which a tree or list renders only what is on screen. */
const WINDOW_THRESHOLD = 300;
const TREE_ROW_HEIGHT = 22;

export function StackGroups({ onShowThreads }: StackGroupsProps): ReactNode {
  const state = useStacksState();
  const [mode, setMode] = useState<'tree' | 'list'>('tree');
  const titleId = useId();
  if (state === undefined || state.status === 'off') return undefined;
  const groups = state.groups;
  return (
    <section className="panel stack-groups" aria-labelledby={titleId}>
      <header className="panel-head">
        <h2 id={titleId}>What the threads are doing</h2>
        <div className="mode-toggle" role="group" aria-label="Show stack groups as">
          <button type="button" aria-pressed={mode === 'tree'} onClick={() => setMode('tree')}>
            Merged tree
          </button>
          <button type="button" aria-pressed={mode === 'list'} onClick={() => setMode('list')}>
            Flat list
          </button>
        </div>
        <StacksProgress state={state} groups={groups.length} />
      </header>
      {groups.length === 0 ? (
        <p className="muted">
          {state.status === 'running' ? 'No stack walked yet…' : 'No thread stack could be walked.'}
        </p>
      ) : mode === 'tree' ? (
        <StackTree groups={groups} onShowThreads={onShowThreads} />
      ) : (
        <GroupList groups={groups} onShowThreads={onShowThreads} />
      )}
    </section>
  );
}

/** How far the stacks pass is, and what it warned of. */
function StacksProgress({ state, groups }: { readonly state: StacksState; readonly groups: number }): ReactNode {
  return (
    <p className="summary" data-testid="stacks-progress">
      {state.status === 'running' ? (
        <>
          <span role="status">
            Walking stacks: {state.done.toLocaleString('en-US')} of {state.total.toLocaleString('en-US')} threads
          </span>{' '}
          <progress max={Math.max(state.total, 1)} value={state.done} aria-label="Stacks walked" />
        </>
      ) : (
        <>
          {threadCount(state.total)} in {groups.toLocaleString('en-US')} group{groups === 1 ? '' : 's'} of identical
          stacks
        </>
      )}
      {state.status === 'incomplete' && <span className="warn"> · incomplete: the stacks pass stopped early</span>}
      {state.warnings.length > 0 && (
        <span className="muted" title={state.warnings.join('\n')}>
          {' '}
          · {state.warnings.length} warning{state.warnings.length === 1 ? '' : 's'}
        </span>
      )}
    </p>
  );
}

/** A node's threads, said the way the table's filter chip says it. */
function nodeLabel(row: TreeRow): string {
  return `${threadCount(row.node.count)} through ${frameText(row.node.frame)}`;
}

function StackTree({
  groups,
  onShowThreads,
}: {
  readonly groups: readonly StackGroup[];
  readonly onShowThreads: StackGroupsProps['onShowThreads'];
}): ReactNode {
  const roots = useMemo(() => mergeStacks(groups), [groups]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => visibleRows(roots, collapsed), [roots, collapsed]);
  const [activeId, setActiveId] = useState<string>();
  const active = Math.max(
    0,
    rows.findIndex((r) => r.id === activeId),
  );
  const activeRow = rows[active];
  const scrollRef = useRef<HTMLDivElement>(null);
  // Whether the next render should move focus to the active row (after a key, not after a batch of groups).
  const focusNext = useRef(false);
  const windowed = rows.length > WINDOW_THRESHOLD;
  const virtualizer = useVirtualizer({
    count: windowed ? rows.length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => TREE_ROW_HEIGHT,
    overscan: 10,
    initialRect: { width: 800, height: 400 },
  });

  const toggle = useCallback((id: string) => {
    setCollapsed((c) => {
      const next = new Set(c);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);

  const moveTo = (index: number): void => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (row === undefined) return;
    focusNext.current = true;
    setActiveId(row.id);
    if (windowed) virtualizer.scrollToIndex(rows.indexOf(row));
  };

  useEffect(() => {
    if (!focusNext.current) return;
    focusNext.current = false;
    const el = scrollRef.current?.querySelector<HTMLElement>('[role="treeitem"][tabindex="0"]');
    el?.focus();
  });

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (activeRow === undefined) return;
    const hasChildren = activeRow.node.children.length > 0;
    switch (e.key) {
      case 'ArrowDown':
        moveTo(active + 1);
        break;
      case 'ArrowUp':
        moveTo(active - 1);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'ArrowRight':
        if (hasChildren && !activeRow.expanded) toggle(activeRow.id);
        else if (hasChildren) moveTo(active + 1);
        break;
      case 'ArrowLeft':
        if (hasChildren && activeRow.expanded) toggle(activeRow.id);
        else if (activeRow.parent !== undefined) moveTo(rows.findIndex((r) => r.id === activeRow.parent));
        break;
      case 'Enter':
        onShowThreads(activeRow.node.tids, nodeLabel(activeRow));
        break;
      case ' ':
        if (hasChildren) toggle(activeRow.id);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const renderRow = (row: TreeRow, index: number, style?: CSSProperties): ReactNode => (
    <TreeItem
      key={row.id}
      row={row}
      index={index}
      active={index === active}
      style={style}
      onActivate={setActiveId}
      onToggle={toggle}
      onShow={onShowThreads}
    />
  );

  return (
    <>
      <div className="stack-tree-bar">
        {activeRow !== undefined && (
          <button type="button" onClick={() => onShowThreads(activeRow.node.tids, nodeLabel(activeRow))}>
            Show the {threadCount(activeRow.node.count)} through {frameText(activeRow.node.frame)}
          </button>
        )}
        <span className="muted">
          Outermost frame first; ↑↓ move, ← → fold, Enter (or a double click) shows the node's threads.
        </span>
      </div>
      <div ref={scrollRef} className="stack-tree-scroll">
        <div
          role="tree"
          aria-label="Stacks merged from the outermost frame"
          className="stack-tree"
          onKeyDown={onKeyDown}
          style={windowed ? { height: virtualizer.getTotalSize(), position: 'relative' } : undefined}
        >
          {windowed
            ? virtualizer.getVirtualItems().map((v) => {
                const row = rows[v.index];
                return row === undefined
                  ? undefined
                  : renderRow(row, v.index, {
                      position: 'absolute',
                      top: 0,
                      left: 0,
                      right: 0,
                      transform: `translateY(${v.start}px)`,
                    });
              })
            : rows.map((row, i) => renderRow(row, i))}
        </div>
      </div>
    </>
  );
}

/** One node: its thread count, a fold mark and its frame, indented by depth. */
const TreeItem = memo(function TreeItem({
  row,
  index,
  active,
  style,
  onActivate,
  onToggle,
  onShow,
}: {
  readonly row: TreeRow;
  readonly index: number;
  readonly active: boolean;
  readonly style?: CSSProperties;
  readonly onActivate: (id: string) => void;
  readonly onToggle: (id: string) => void;
  readonly onShow: StackGroupsProps['onShowThreads'];
}): ReactNode {
  const hasChildren = row.node.children.length > 0;
  const text = frameText(row.node.frame);
  return (
    <div
      role="treeitem"
      aria-level={row.level}
      aria-posinset={row.position}
      aria-setsize={row.siblings}
      aria-expanded={hasChildren ? row.expanded : undefined}
      aria-selected={active}
      tabIndex={active ? 0 : -1}
      data-index={index}
      className={`stack-node${active ? ' active' : ''}${row.node.frame.jit === true ? ' jit' : ''}`}
      style={style}
      onClick={() => onActivate(row.id)}
      onDoubleClick={() => onShow(row.node.tids, `${threadCount(row.node.count)} through ${text}`)}
    >
      {/* The name is the visible text (axe: label-content-name-mismatch), with "threads" said, not shown. */}
      <span className="stack-count">
        {row.node.count.toLocaleString('en-US')}
        <span className="visually-hidden"> {row.node.count === 1 ? 'thread' : 'threads'}: </span>
      </span>
      <span className="stack-indent" style={{ width: `${(row.level - 1) * 1.1}em` }} />
      <span
        className="stack-fold"
        aria-hidden="true"
        onClick={(e) => {
          if (!hasChildren) return;
          e.stopPropagation();
          onActivate(row.id);
          onToggle(row.id);
        }}
      >
        {hasChildren ? (row.expanded ? '▾' : '▸') : ''}
      </span>
      <span className="mono stack-frame">{text}</span>
    </div>
  );
});

/** The groups one per line, largest first: a button opens the group's threads, the line unfolds its frames. */
function GroupList({
  groups,
  onShowThreads,
}: {
  readonly groups: readonly StackGroup[];
  readonly onShowThreads: StackGroupsProps['onShowThreads'];
}): ReactNode {
  const ordered = useMemo(
    () =>
      groups
        .map((g, i) => ({ g, i }))
        .sort((a, b) => b.g.threads.length - a.g.threads.length || a.i - b.i)
        .map(({ g, i }) => ({ group: g, number: i + 1, summary: stackSummary(g.frames) })),
    [groups],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const windowed = ordered.length > WINDOW_THRESHOLD;
  const virtualizer = useVirtualizer({
    count: windowed ? ordered.length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 30,
    overscan: 8,
    initialRect: { width: 800, height: 400 },
  });
  const item = (o: (typeof ordered)[number], index: number, style?: CSSProperties): ReactNode => (
    <li
      key={o.number}
      className="stack-group"
      style={style}
      data-index={index}
      ref={windowed ? virtualizer.measureElement : undefined}
    >
      <button
        type="button"
        className="stack-group-count"
        aria-label={`Show the ${threadCount(o.group.threads.length)} of stack group ${o.number}`}
        onClick={() => onShowThreads(o.group.threads, `stack group ${o.number}: ${o.summary}`)}
      >
        {threadCount(o.group.threads.length)}
      </button>
      <details>
        <summary className="mono">{o.summary}</summary>
        <ol className="stack-group-frames mono" start={0}>
          {o.group.frames.map((f, i) => (
            <li key={i} className={f.jit === true ? 'jit' : undefined}>
              {frameText(f)}
            </li>
          ))}
        </ol>
      </details>
    </li>
  );
  return (
    <div ref={scrollRef} className="stack-list-scroll">
      <ol
        className="stack-group-list"
        aria-label="Stack groups, largest first"
        style={windowed ? { height: virtualizer.getTotalSize(), position: 'relative' } : undefined}
      >
        {windowed
          ? virtualizer.getVirtualItems().map((v) => {
              const o = ordered[v.index];
              return o === undefined
                ? undefined
                : item(o, v.index, {
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    transform: `translateY(${v.start}px)`,
                  });
            })
          : ordered.map((o, i) => item(o, i))}
      </ol>
    </div>
  );
}
