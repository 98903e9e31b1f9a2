/** The view tabs (ARIA tabs: ←/→ move between them), with row counts where they help. */
import type { ReactNode } from 'react';
import type { AnalysisView } from '../../workers/engine-protocol';
import { VIEWS, type ViewName } from './hash-state';

const TAB_LABELS: Record<ViewName, string> = { overview: 'Overview', regions: 'Regions', totals: 'Totals', threads: 'Threads', search: 'Search', memory: 'Memory' };

export function ViewTabs({ view, current, onPick }: { readonly view: AnalysisView; readonly current: ViewName; readonly onPick: (v: ViewName) => void }): ReactNode {
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
            const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
            if (step === 0) return;
            const next = VIEWS[(VIEWS.indexOf(current) + step + VIEWS.length) % VIEWS.length] ?? 'overview';
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
