/**
 * React's view of the engine: the LoadState (idle → loading → ready | error, keeping the previous analysis on
 * screen), open/sample/cancel actions, exports, and a notice when a worker died and was replaced.
 */
import { startTransition, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type {
  AnalysisView,
  DumpId,
  ExportRequest,
  LoadProgress,
  LoadState,
  SettledView,
} from '../../workers/engine-protocol';
import { removeOpfsTemps } from '../../workers/opfs-temp';
import { EnginePool } from '../../workers/pool';
import { EngineSession } from './engine-session';
import { ScanSession } from './scan-session';
import { poolSize, type UrlFlags } from './settings';
import { checkDumpUrl, listedOrigins, withoutUrlParam } from './url-origins';

export const SAMPLE_URL = 'sample/sample.core.gz';
export const SAMPLE_NAME = 'sample.core';
/** The User Timing mark of an analysis reaching the page (its detail: the worker's analyzeMs). */
export const LOADED_MARK = 'coreview:analysis-received';

function createWorker(): Worker {
  return new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'coreview-engine',
  });
}

export function shownAnalysis(state: LoadState): AnalysisView | undefined {
  switch (state.status) {
    case 'ready':
      return state.view;
    case 'loading':
    case 'error':
      return state.previous;
    case 'idle':
      return undefined;
  }
}

export interface EngineParts {
  readonly pool: EnginePool;
  readonly session: EngineSession;
  readonly scans: ScanSession;
}

export interface Engine {
  readonly state: LoadState;
  readonly notice: string | undefined;
  readonly open: (file: File) => void;
  readonly openSample: () => void;
  /** Opens the dump or report at an address (`?url=`), if this page may fetch from its origin. */
  readonly openUrl: (raw: string) => void;
  /** The address of the dump on screen when it was opened by URL (for "Copy link"); undefined otherwise. */
  readonly openedUrl: string | undefined;
  /** Read over HTTP with Range requests (scans would fetch the whole dump: the census waits to be asked for). */
  readonly readOverHttp: boolean;
  readonly cancel: () => void;
  readonly dismiss: () => void;
  readonly exportText: (request: ExportRequest) => Promise<string>;
  readonly readMemory: EngineSession['readMemory'];
  readonly threadRegisters: EngineSession['threadRegisters'];
  /** What each file is, by its content (a worker reads the first 4 KiB of each). */
  readonly sortFiles: EngineSession['sortFiles'];
  /** The dump session (the stacks pass and the findings run in the worker holding the dump). */
  readonly session: () => EngineSession;
  /** The scans of the dump on screen (census, search), over the whole pool. */
  readonly scans: () => ScanSession;
  /** The pool, the dump session and its scans, for code that drives the workers itself (the test build's entry). */
  readonly parts: () => EngineParts;
  /** A complete census settled some kinds of dump `id`: its view takes the new regions and totals. */
  readonly settleView: (id: DumpId, settled: SettledView) => void;
}

/** `view` with what a census settled, when it is dump `id`; else `view` itself. */
function settledView(view: AnalysisView | undefined, id: DumpId, settled: SettledView): AnalysisView | undefined {
  return view?.id === id
    ? { ...view, regions: settled.regions, totals: settled.totals, imageTotals: settled.imageTotals }
    : view;
}

export function useEngine(flags: UrlFlags): Engine {
  const [state, setState] = useState<LoadState>({ status: 'idle' });
  const [notice, setNotice] = useState<string | undefined>();
  const [opened, setOpened] = useState<{ readonly url: string; readonly ranged: boolean } | undefined>();
  // The state last committed, for the actions (they run after a commit, never during a render).
  const stateRef = useRef(state);
  useLayoutEffect(() => {
    stateRef.current = state;
  }, [state]);
  // Only the latest open may change the state: an older one that resolves late (cancelled, replaced) is ignored.
  const token = useRef(0);

  // Created on first use and disposed on unmount. Not in useMemo: StrictMode (dev) unmounts and remounts once,
  // and a pool disposed by that first cleanup would be reused dead.
  const engineRef = useRef<EngineParts>(undefined);
  const size = poolSize(flags, navigator.hardwareConcurrency);
  const engine = useCallback(() => {
    if (engineRef.current === undefined) {
      const pool = new EnginePool(size, createWorker, {
        onWorkerLost: (_slot, message) => setNotice(`${message}. It was replaced.`),
      });
      const session = new EngineSession(pool);
      engineRef.current = { pool, session, scans: new ScanSession(pool, session) };
    }
    return engineRef.current;
  }, [size]);
  useEffect(() => {
    // Start the workers now, so the first dump does not wait for them to load.
    engine();
    // Decompressed dumps left in browser storage by an earlier visit (closed mid-way, crashed) go now; those
    // another tab still uses are kept.
    void removeOpfsTemps();
    return () => {
      engineRef.current?.pool.dispose();
      engineRef.current = undefined;
    };
  }, [engine]);

  const progress = useCallback(
    (mine: number) => (p: LoadProgress) => {
      if (token.current !== mine) return;
      setState((s) => (s.status === 'loading' ? { ...s, progress: p } : s));
    },
    [],
  );

  const loadFile = useCallback(
    async (file: File, mine: number) => {
      const previous = shownAnalysis(stateRef.current);
      setState({ status: 'loading', name: file.name, size: file.size, previous });
      // User Timing marks (DevTools shows them; the benchmark reads them): when the header pass's answer arrived,
      // and how long the worker took over it.
      const outcome = await engine().session.load(file, file.name, progress(mine));
      if (outcome.ok) performance.mark(LOADED_MARK, { detail: { analyzeMs: outcome.view.analyzeMs } });
      if (token.current !== mine) return;
      // A transition lets React render the new dump's views in slices that yield to input, instead of one long
      // task on the main thread (100k regions: the virtualizer's measurements alone are costly; `npm run bench`
      // prints the time to the first screen rendered and the longest main-thread task).
      if (outcome.ok)
        startTransition(() => {
          setOpened(undefined);
          setState({ status: 'ready', view: outcome.view });
          // A reload must not open the URL's dump again over the file now on screen.
          const address = withoutUrlParam(location.href);
          if (address !== undefined) history.replaceState(history.state, '', address);
        });
      else if ('cancelled' in outcome)
        setState(previous === undefined ? { status: 'idle' } : { status: 'ready', view: previous });
      else setState({ status: 'error', name: file.name, failure: outcome.failure, previous });
    },
    [engine, progress],
  );

  const openUrl = useCallback(
    (raw: string) => {
      const mine = ++token.current;
      setNotice(undefined);
      const previous = shownAnalysis(stateRef.current);
      const checked = checkDumpUrl(raw, location.href, listedOrigins(document));
      if (!checked.ok) {
        setState({ status: 'error', name: raw, failure: { kind: 'url', message: checked.message }, previous });
        return;
      }
      setState({ status: 'loading', name: checked.name, previous });
      void engine()
        .session.loadUrl(checked.url, checked.name, progress(mine))
        .then((outcome) => {
          if (outcome.ok) performance.mark(LOADED_MARK, { detail: { analyzeMs: outcome.view.analyzeMs } });
          if (token.current !== mine) return;
          if (outcome.ok)
            startTransition(() => {
              setOpened({ url: checked.url, ranged: engine().session.readsOverHttp });
              setState({ status: 'ready', view: outcome.view });
            });
          else if ('cancelled' in outcome)
            setState(previous === undefined ? { status: 'idle' } : { status: 'ready', view: previous });
          else setState({ status: 'error', name: checked.url, failure: outcome.failure, previous });
        });
    },
    [engine, progress],
  );

  const open = useCallback(
    (file: File) => {
      const mine = ++token.current;
      setNotice(undefined);
      void loadFile(file, mine);
    },
    [loadFile],
  );

  const openSample = useCallback(() => {
    const mine = ++token.current;
    setNotice(undefined);
    const previous = shownAnalysis(stateRef.current);
    setState({ status: 'loading', name: SAMPLE_NAME, previous });
    const url = new URL(SAMPLE_URL, document.baseURI).href;
    void engine()
      .session.fetchSample(url, SAMPLE_NAME, progress(mine))
      .then((result) => {
        if (token.current !== mine) return;
        if (result.ok) void loadFile(result.file, mine);
        else if ('cancelled' in result)
          setState(previous === undefined ? { status: 'idle' } : { status: 'ready', view: previous });
        else setState({ status: 'error', name: SAMPLE_NAME, failure: result.failure, previous });
      });
  }, [engine, progress, loadFile]);

  const cancel = useCallback(() => engine().session.cancel(), [engine]);

  const dismiss = useCallback(() => {
    setNotice(undefined);
    setState((s) =>
      s.status !== 'error' ? s : s.previous === undefined ? { status: 'idle' } : { status: 'ready', view: s.previous },
    );
  }, []);

  const exportText = useCallback((request: ExportRequest) => engine().session.exportText(request), [engine]);
  const readMemory = useCallback(
    (address: bigint, length: number) => engine().session.readMemory(address, length),
    [engine],
  );
  const threadRegisters = useCallback((thread: number) => engine().session.threadRegisters(thread), [engine]);
  const scans = useCallback(() => engine().scans, [engine]);
  const session = useCallback(() => engine().session, [engine]);
  const sortFiles = useCallback(
    (files: Parameters<EngineSession['sortFiles']>[0]) => engine().session.sortFiles(files),
    [engine],
  );

  const settleView = useCallback((id: DumpId, settled: SettledView) => {
    setState((s) => {
      if (s.status === 'ready') return { ...s, view: settledView(s.view, id, settled) ?? s.view };
      if (s.status === 'loading' || s.status === 'error') {
        const previous = settledView(s.previous, id, settled);
        return previous === undefined ? s : { ...s, previous };
      }
      return s;
    });
  }, []);

  return useMemo(
    () => ({
      state,
      notice,
      open,
      openSample,
      openUrl,
      openedUrl: opened?.url,
      readOverHttp: opened?.ranged === true,
      cancel,
      dismiss,
      exportText,
      readMemory,
      threadRegisters,
      sortFiles,
      session,
      scans,
      parts: engine,
      settleView,
    }),
    [
      sortFiles,
      session,
      state,
      notice,
      open,
      openSample,
      openUrl,
      opened,
      cancel,
      dismiss,
      exportText,
      readMemory,
      threadRegisters,
      scans,
      engine,
      settleView,
    ],
  );
}
