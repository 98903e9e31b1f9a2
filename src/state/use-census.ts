/**
 * The census of the dump on screen, as React state: started automatically when a dump opens (unless the setting is
 * off), fed by the coordinator's batched events (a few a second: each one an O(batch) write into typed arrays and
 * one re-render of what is on screen), cancelled when the user asks or another dump starts loading.
 */
import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import type { AnalysisView, DumpId, ScanTuning, SettledView } from '../../workers/engine-protocol';
import { applyBatch, censusFromReport, createCensusData, realignKinds, type CensusState } from './census-data';
import type { ScanHandle, ScanSession } from './scan-session';

export interface Census {
  /** The census of the dump on screen; undefined when none ran for it. */
  readonly state: CensusState | undefined;
  readonly start: () => void;
  readonly cancel: () => void;
}

/**
 * `onSettled`: a complete census settled some kinds (gcore's no-access memory): the view on screen must take the new
 * regions and totals (useEngine's settleView), as `coreview --scan` prints them.
 */
export function useCensus(
  scans: () => ScanSession,
  view: AnalysisView | undefined,
  auto: boolean,
  loading: boolean,
  tuning: ScanTuning,
  onSettled?: (id: DumpId, settled: SettledView) => void,
): Census {
  const [state, setState] = useState<CensusState>();
  const handle = useRef<ScanHandle>(undefined);

  const start = useCallback(() => {
    // A saved report holds no memory to scan: its census is the one it was saved with.
    if (view === undefined || view.report !== undefined) return;
    handle.current?.cancel();
    const data = createCensusData(view);
    const mine = (s: CensusState | undefined): s is CensusState => s?.data === data;
    setState({ dumpId: view.id, status: 'running', data, version: 0, failures: [] });
    const h = scans().start({ kind: 'census', tuning }, (event) => {
      if (event.kind !== 'census') return;
      applyBatch(data, event.batch);
      setState((s) => (mine(s) ? { ...s, version: s.version + 1, progress: event.progress } : s));
    });
    handle.current = h;
    void h.end.then((end) => {
      if (end.ok && end.kind === 'census' && end.settled !== undefined) {
        realignKinds(data, end.settled);
        onSettled?.(view.id, end.settled);
      }
      setState((s) => {
        if (!mine(s)) return s;
        if (!end.ok)
          return {
            ...s,
            status: 'failed',
            failures: [
              end.reason === 'lost'
                ? `${end.message}; it has been replaced`
                : `the census could not start (${end.reason})`,
            ],
          };
        if (end.kind === 'cancelled') return { ...s, status: 'cancelled' };
        if (end.kind !== 'census') return s;
        return {
          ...s,
          status: end.complete ? 'done' : 'failed',
          version: s.version + 1,
          progress: end.progress,
          failures: end.failures,
          ...(end.os !== undefined ? { os: end.os } : {}),
          ...(end.runtime !== undefined ? { runtime: end.runtime } : {}),
        };
      });
    });
  }, [scans, view, tuning, onSettled]);

  const cancel = useCallback(() => {
    handle.current?.cancel();
    handle.current = undefined;
    setState((s) => (s?.status === 'running' ? { ...s, status: 'cancelled' } : s));
  }, []);

  // A new dump on screen: its own census (the previous one is cancelled by start()).
  const viewId = view?.id;
  const started = useRef<number>(undefined);
  // An effect event: only a new dump starts a census; `auto` and `start` changing must not start another.
  const onNewDump = useEffectEvent(() => {
    if (view?.report !== undefined) {
      handle.current?.cancel();
      handle.current = undefined;
      setState(censusFromReport(view));
    } else if (auto) start();
    else {
      handle.current?.cancel();
      handle.current = undefined;
    }
  });
  useEffect(() => {
    if (viewId === undefined || started.current === viewId) return;
    started.current = viewId;
    onNewDump();
  }, [viewId]);

  // Opening another dump: stop scanning this one (its workers are needed, and the page is about to move on). The
  // status changes in this render; the effect stops the workers.
  const [wasLoading, setWasLoading] = useState(loading);
  if (loading !== wasLoading) {
    setWasLoading(loading);
    if (loading && state?.status === 'running') setState({ ...state, status: 'cancelled' });
  }
  useEffect(() => {
    if (!loading) return;
    handle.current?.cancel();
    handle.current = undefined;
  }, [loading]);

  return { state: state !== undefined && state.dumpId === viewId ? state : undefined, start, cancel };
}
