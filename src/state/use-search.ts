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
  /** The dump `handle` was started for (the dump on screen then). */
  const handleFor = useRef<DumpId>(undefined);
  // Results for another dump do not apply: hidden here rather than cleared by an effect (which would cost a
  // render showing them, and ran on every batch of hits).
  const shown = state !== undefined && state.dumpId === dumpId ? state : undefined;

  const follow = useCallback((h: ScanHandle, end: Promise<ScanOutcome>) => {
    void end.then((outcome) =>
      setState((s) => {
        if (s === undefined || handle.current !== h) return s;
        if (!outcome.ok) {
          if (outcome.reason === 'pattern') return { ...s, status: 'invalid', message: outcome.error.message };
          return {
            ...s,
            status: 'failed',
            message: outcome.reason === 'lost' ? outcome.message : 'the dump is not loaded',
          };
        }
        if (outcome.kind === 'cancelled') return { ...s, status: 'cancelled' };
        if (outcome.kind !== 'search') return s;
        return {
          ...s,
          status: outcome.limitReached ? 'paused' : 'done',
          progress: outcome.progress,
          failures: outcome.failures,
        };
      }),
    );
  }, []);

  const run = useCallback(
    (query: SearchQuery) => {
      handle.current?.cancel();
      setState({ dumpId, query, status: 'running', hits: [], limit: SEARCH_STEP, failures: [] });
      const h = scans().start({ kind: 'search', query, limit: SEARCH_STEP, tuning }, (event) => {
        if (event.kind !== 'hits') return;
        setState((s) =>
          s === undefined || handle.current !== h
            ? s
            : { ...s, progress: event.progress, hits: event.hits.length > 0 ? [...s.hits, ...event.hits] : s.hits },
        );
      });
      handle.current = h;
      handleFor.current = dumpId;
      follow(h, h.end);
    },
    [scans, dumpId, tuning, follow],
  );

  const more = useCallback(() => {
    const h = handle.current;
    if (h === undefined || shown?.status !== 'paused') return;
    const limit = shown.limit + SEARCH_STEP;
    setState((s) => (s === undefined ? s : { ...s, status: 'running', limit }));
    follow(h, h.more(limit));
  }, [shown, follow]);

  const cancel = useCallback(() => {
    handle.current?.cancel();
    setState((s) =>
      s !== undefined && (s.status === 'running' || s.status === 'paused') ? { ...s, status: 'cancelled' } : s,
    );
  }, []);

  // Another dump: stop this dump's search (a paused one holds its coordinator's state). Keyed on the dump only, so
  // batches of hits do not run it; a search already started for the next dump is left alone.
  useEffect(
    () => () => {
      if (handle.current === undefined || handleFor.current !== dumpId) return;
      handle.current.cancel();
      handle.current = undefined;
    },
    [dumpId],
  );

  return { state: shown, run, more, cancel };
}
