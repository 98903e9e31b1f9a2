/**
 * The page's root element and its `data-status` test hook (see App.tsx). Views report "(dump id, view) is on
 * screen" through ReadyContext after the commit that rendered it; the report is state of this component, not of
 * App, so it re-renders this element alone: its children are the elements App made, unchanged, and React skips
 * them. Held by App, every report re-rendered the whole page right after a dump's first screen.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { LoadState } from '../../workers/engine-protocol';
import { ReadyContext } from '../views/common/use-report-ready';

export interface StatusRootProps {
  readonly load: LoadState['status'];
  /** The report that makes a loaded dump "ready": `${dump id}:${view}`. */
  readonly expected: string | undefined;
  /** The census's `data-scan` (see App.tsx), from the state being rendered. */
  readonly scan: 'off' | 'running' | 'done' | 'incomplete';
  /** The stacks pass's `data-stacks`, the same way. */
  readonly stacks: 'off' | 'running' | 'done' | 'incomplete';
  /** `data-source`: what the view on screen was read from (absent with none). */
  readonly source?: 'dump' | 'report';
  /** `data-compare`: a second dump or report being read, compared ("ready": both sides are shown), or failed. */
  readonly compare?: 'loading' | 'ready' | 'error';
  readonly children: ReactNode;
}

export function StatusRoot({ load, expected, scan, stacks, source, compare, children }: StatusRootProps): ReactNode {
  const [rendered, setRendered] = useState<string>();
  const status = load === 'ready' ? (rendered === expected ? 'ready' : 'loading') : load;
  // Written by an effect, not rendered: effects run once the commit is on screen, so "done" never shows before the
  // census's final batch does, and no second render is needed to say so.
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    root.current?.setAttribute('data-scan', scan);
  }, [scan]);
  useEffect(() => {
    root.current?.setAttribute('data-stacks', stacks);
  }, [stacks]);
  return (
    <ReadyContext.Provider value={setRendered}>
      <div ref={root} className="app" data-status={status} data-source={source} data-compare={compare}>
        {children}
      </div>
    </ReadyContext.Provider>
  );
}
