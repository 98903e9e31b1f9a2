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
};

/** The tab a key moves to from `current`; arrows wrap around. */
export function tabFor(key: string, current: ViewName): ViewName | undefined {
  const at = VIEWS.indexOf(current);
  const index =
    key === 'ArrowRight'
      ? (at + 1) % VIEWS.length
      : key === 'ArrowLeft'
        ? (at - 1 + VIEWS.length) % VIEWS.length
        : key === 'Home'
          ? 0
          : key === 'End'
            ? VIEWS.length - 1
            : -1;
  return VIEWS[index];
}

export function ViewTabs({
  view,
  current,
  onPick,
}: {
  readonly view: AnalysisView;
  readonly current: ViewName;
  readonly onPick: (v: ViewName) => void;
}): ReactNode {
  return (
    <nav className="tabs" role="tablist" aria-label="Views">
      {VIEWS.map((v) => (
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
            const next = tabFor(e.key, current);
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
