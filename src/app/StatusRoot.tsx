/**
 * The page's root element and its `data-status` test hook (see App.tsx). Views report "(dump id, view) is on
 * screen" through ReadyContext after the commit that rendered it; the report is state of this component, not of
 * App, so it re-renders this element alone: its children are the elements App made, unchanged, and React skips
 * them. Held by App, every report re-rendered the whole page right after a dump's first screen.
 */
import { useState, type ReactNode } from 'react';
import type { LoadState } from '../../workers/engine-protocol';
import { ReadyContext } from '../views/common/use-report-ready';

export interface StatusRootProps {
  readonly load: LoadState['status'];
  /** The report that makes a loaded dump "ready": `${dump id}:${view}`. */
  readonly expected: string | undefined;
  readonly scan: 'off' | 'running' | 'done' | 'incomplete';
  readonly children: ReactNode;
}

export function StatusRoot({ load, expected, scan, children }: StatusRootProps): ReactNode {
  const [rendered, setRendered] = useState<string>();
  const status = load === 'ready' ? (rendered === expected ? 'ready' : 'loading') : load;
  return (
    <ReadyContext.Provider value={setRendered}>
      <div className="app" data-status={status} data-scan={scan}>
        {children}
      </div>
    </ReadyContext.Provider>
  );
}
