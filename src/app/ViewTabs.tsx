/** The view tabs (ARIA tabs: ←/→ move between them, Home/End to the first/last), with row counts where they help. */
import type { ReactNode } from 'react';
import type { AnalysisView } from '../../workers/engine-protocol';
import { VIEWS, type ViewName } from '../state/hash-state';

const TAB_LABELS: Record<ViewName, string> = {
  overview: 'Overview',
  regions: 'Regions',
  totals: 'Totals',
  threads: 'Threads',
  search: 'Search',
  memory: 'Memory',
  compare: 'Compare',
};

/** The tabs without a second dump or report to compare with: Compare appears only while comparing. */
export const SINGLE_VIEWS: readonly ViewName[] = VIEWS.filter((v) => v !== 'compare');

/** The tab a key moves to from `current`; arrows wrap around. */
export function tabFor(
  key: string,
  current: ViewName,
  views: readonly ViewName[] = SINGLE_VIEWS,
): ViewName | undefined {
  const at = views.indexOf(current);
  const index =
    key === 'ArrowRight'
      ? (at + 1) % views.length
      : key === 'ArrowLeft'
        ? (at - 1 + views.length) % views.length
        : key === 'Home'
          ? 0
          : key === 'End'
            ? views.length - 1
            : -1;
  return views[index];
}

export function ViewTabs({
  view,
  current,
  onPick,
  comparing = false,
}: {
  readonly view: AnalysisView;
  readonly current: ViewName;
  readonly onPick: (v: ViewName) => void;
  /** A second dump or report is open (or named in the link): the Compare tab is shown. */
  readonly comparing?: boolean;
}): ReactNode {
  const views = comparing ? VIEWS : SINGLE_VIEWS;
  return (
    <nav className="tabs" role="tablist" aria-label="Views">
      {views.map((v) => (
        <button
          key={v}
          type="button"
          role="tab"
          id={`tab-${v}`}
          aria-selected={current === v}
          aria-controls="view-panel"
          tabIndex={current === v ? 0 : -1}
          onClick={() => onPick(v)}
          onKeyDown={(e) => {
            const next = tabFor(e.key, current, views);
            if (next === undefined) return;
            e.preventDefault();
            onPick(next);
            document.getElementById(`tab-${next}`)?.focus();
          }}
        >
          {TAB_LABELS[v]}
          {v === 'regions' && <span className="tab-count">{view.regions.count}</span>}
          {v === 'threads' && <span className="tab-count">{view.threads.length}</span>}
        </button>
      ))}
    </nav>
  );
}
