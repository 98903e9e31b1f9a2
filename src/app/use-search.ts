/**
 * A memory search of the dump on screen: hits stream in (batched by the coordinator, in address order), up to a
 * limit the user raises with "Show more"; an invalid pattern comes back as the engine's message, shown inline.
 * Kept above the views so switching tabs keeps the results.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DumpId, ScanProgress, ScanTuning, SearchHitRow } from '../../workers/engine-protocol';
import type { SearchQuery } from '../core/scan/search-pattern';
import type { ScanHandle, ScanOutcome, ScanSession } from './scan-session';

/** Hits per page of results: the first search and each "Show more". */
export const SEARCH_STEP = 200;

export type SearchStatus = 'running' | 'paused' | 'done' | 'cancelled' | 'invalid' | 'failed';

export interface SearchState {
  readonly dumpId: DumpId | undefined;
  readonly query: SearchQuery;
  readonly status: SearchStatus;
  readonly hits: readonly SearchHitRow[];
  readonly limit: number;
  readonly progress?: ScanProgress;
  /** The engine's message for an invalid pattern, or why the search failed. */
  readonly message?: string;
  readonly failures: readonly string[];
}

export interface Search {
  readonly state: SearchState | undefined;
  readonly run: (query: SearchQuery) => void;
  readonly more: () => void;
  readonly cancel: () => void;
}

export function useSearch(scans: () => ScanSession, dumpId: DumpId | undefined, tuning: ScanTuning): Search {
  const [state, setState] = useState<SearchState>();
  const handle = useRef<ScanHandle>(undefined);

  const follow = useCallback((h: ScanHandle, end: Promise<ScanOutcome>) => {
    void end.then((outcome) =>
      setState((s) => {
        if (s === undefined || handle.current !== h) return s;
        if (!outcome.ok) {
          if (outcome.reason === 'pattern') return { ...s, status: 'invalid', message: outcome.error.message };
          return { ...s, status: 'failed', message: outcome.reason === 'lost' ? outcome.message : 'the dump is not loaded' };
        }
        if (outcome.kind === 'cancelled') return { ...s, status: 'cancelled' };
        if (outcome.kind !== 'search') return s;
        return { ...s, status: outcome.limitReached ? 'paused' : 'done', progress: outcome.progress, failures: outcome.failures };
      }),
    );
  }, []);

  const run = useCallback(
    (query: SearchQuery) => {
      handle.current?.cancel();
      setState({ dumpId, query, status: 'running', hits: [], limit: SEARCH_STEP, failures: [] });
      const h = scans().start({ kind: 'search', query, limit: SEARCH_STEP, tuning }, (event) => {
        if (event.kind !== 'hits') return;
        setState((s) => (s === undefined || handle.current !== h ? s : { ...s, progress: event.progress, hits: event.hits.length > 0 ? [...s.hits, ...event.hits] : s.hits }));
      });
      handle.current = h;
      follow(h, h.end);
    },
    [scans, dumpId, tuning, follow],
  );

  const more = useCallback(() => {
    const h = handle.current;
    if (h === undefined || state?.status !== 'paused') return;
    const limit = state.limit + SEARCH_STEP;
    setState((s) => (s === undefined ? s : { ...s, status: 'running', limit }));
    follow(h, h.more(limit));
  }, [state, follow]);

  const cancel = useCallback(() => {
    handle.current?.cancel();
    setState((s) => (s !== undefined && (s.status === 'running' || s.status === 'paused') ? { ...s, status: 'cancelled' } : s));
  }, []);

  // Another dump: its search results do not apply; stop the search (a paused one holds its coordinator's state).
  useEffect(() => {
    if (state !== undefined && state.dumpId !== dumpId) {
      handle.current?.cancel();
      handle.current = undefined;
      setState(undefined);
    }
  }, [dumpId, state]);

  return { state, run, more, cancel };
}
