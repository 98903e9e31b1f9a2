/**
 * The stacks pass of the dump on screen, as React state: started once the region table of a new dump is on
 * screen, fed by the worker's batches (thread indices and their frames, written into an array; one re-render per
 * batch), run again whenever the user adds binaries, debug files or perf maps (they apply to every dump of the
 * session: they are matched by build-id). The findings are asked for again once the census is in.
 */
import { startTransition, useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import type { AnalysisView, CensusExport, GivenFile } from '../../workers/engine-protocol';
import type { ThreadStack } from '../core/types';
import type { EngineSession } from './engine-session';
import type { StacksState } from './stacks-data';

export interface Stacks {
  readonly state: StacksState | undefined;
  /** Every file given so far beside the dumps. */
  readonly files: readonly GivenFile[];
  /** More files beside the dump: the pass runs again with all of them. */
  readonly addFiles: (files: readonly GivenFile[]) => void;
}

interface Owned extends StacksState {
  readonly dumpId: number;
}

/** What a saved report holds of the stacks pass: 'done' with its frames and groups, or 'off' with its findings. */
function stacksFromReport(view: AnalysisView): Owned | undefined {
  const r = view.report;
  if (r === undefined) return undefined;
  const total = view.threads.length;
  return {
    dumpId: view.id,
    status: r.stacks === undefined ? 'off' : 'done',
    stacks: r.stacks?.stacks ?? [],
    syscalls: r.syscalls,
    groups: r.stacks?.groups ?? [],
    findings: r.findings,
    modules: r.stacks?.modules ?? [],
    done: r.stacks === undefined ? 0 : total,
    total,
    warnings: [],
  };
}

export function useStacks(
  session: () => EngineSession,
  view: AnalysisView | undefined,
  census: CensusExport | undefined,
): Stacks {
  const [state, setStateNow] = useState<Owned>();
  // Every update of this state is a transition: the views re-render in slices that yield to input, and an update
  // that lands while the page renders a new dump's first screen (itself a transition) never forces that render to
  // finish synchronously (a 100,000-region table).
  const setState = useCallback((update: (s: Owned | undefined) => Owned | undefined) => {
    startTransition(() => setStateNow(update));
  }, []);
  const [files, setFiles] = useState<readonly GivenFile[]>([]);
  const run = useRef(0);

  const start = useCallback(
    (given: readonly GivenFile[]) => {
      if (view === undefined) return;
      const mine = ++run.current;
      // A saved report: the pass's results as it was saved with them (no memory to walk).
      if (view.report !== undefined) {
        const fromReport = stacksFromReport(view);
        setState(() => fromReport);
        return;
      }
      const dumpId = view.id;
      const total = view.threads.length;
      // Written in place per batch, a new state object per batch: cells re-render, the array is not copied.
      const stacks: (ThreadStack | undefined)[] = new Array<ThreadStack | undefined>(total);
      const current = (s: Owned | undefined): s is Owned => run.current === mine && s?.dumpId === dumpId;
      setState((s) => ({
        dumpId,
        status: 'running',
        stacks,
        syscalls: s?.dumpId === dumpId ? s.syscalls : [],
        groups: [],
        findings: s?.dumpId === dumpId ? s.findings : [],
        modules: s?.dumpId === dumpId ? s.modules : [],
        done: 0,
        total,
        warnings: [],
        ...(s?.dumpId === dumpId && s.environment ? { environment: s.environment } : {}),
      }));
      void session()
        .startStacks(given, (event) => {
          if (run.current !== mine) return;
          if (event.kind === 'start') {
            setState((s) =>
              current(s)
                ? {
                    ...s,
                    syscalls: event.syscalls,
                    modules: event.modules,
                    ...(event.environment ? { environment: event.environment } : {}),
                  }
                : s,
            );
            return;
          }
          event.indices.forEach((thread, k) => {
            stacks[thread] = event.stacks[k];
          });
          // A transition: the views re-render in slices that yield to input (no main-thread task over 50 ms while
          // 800 threads' frames stream in).
          setState((s) => (current(s) ? { ...s, done: event.done } : s));
        })
        .then((end) =>
          setState((s) => {
            if (!current(s)) return s;
            if (!end.ok) {
              if (end.reason === 'cancelled') return s;
              const why = end.reason === 'failed' ? end.message : 'the dump is no longer loaded';
              return { ...s, status: 'incomplete', warnings: [`the stacks pass stopped: ${why}`] };
            }
            return {
              ...s,
              status: end.complete ? 'done' : 'incomplete',
              groups: end.groups,
              modules: end.modules,
              findings: end.findings,
              warnings: end.warnings,
            };
          }),
        );
    },
    [session, view, setState],
  );

  // A new dump on screen: its pass, once the table has been painted, so it never delays it.
  const viewId = view?.id;
  const started = useRef<number>(undefined);
  const onNewDump = useEffectEvent(() => start(files));
  useEffect(() => {
    if (viewId === undefined || started.current === viewId) return;
    started.current = viewId;
    // When the main thread is next idle: the new dump's first screen (a transition: a 100,000-region table takes
    // a while) is on screen by then, and the pass's first updates never compete with it. At most 500 ms later.
    if (typeof requestIdleCallback === 'function') {
      const idle = requestIdleCallback(onNewDump, { timeout: 500 });
      return () => cancelIdleCallback(idle);
    }
    const timer = setTimeout(onNewDump, 0);
    return () => clearTimeout(timer);
  }, [viewId]);

  // The worker holding the dump was lost, and the pass's result with it: run it again (on the worker that loads
  // the dump again), so the page's frames and its exports agree.
  const onHolderLost = useEffectEvent(() => {
    if (viewId !== undefined) start(files);
  });
  useEffect(() => session().onHolderLost(() => onHolderLost()), [session]);

  const addFiles = useCallback(
    (more: readonly GivenFile[]) => {
      if (more.length === 0) return;
      const all = [...files, ...more];
      setFiles(all);
      start(all);
    },
    [files, start],
  );

  // The census complete: the findings again, with its touched pages and stacks' high-water marks.
  const censusComplete = census?.complete === true ? census : undefined;
  const stacksDone = state?.status === 'done';
  useEffect(() => {
    if (censusComplete === undefined || viewId === undefined) return;
    let live = true;
    void session()
      .findings(censusComplete)
      .then((findings) => {
        if (live) setState((s) => (s?.dumpId === viewId ? { ...s, findings } : s));
      });
    return () => {
      live = false;
    };
  }, [session, censusComplete, viewId, stacksDone, setState]);

  return { state: state !== undefined && state.dumpId === viewId ? state : undefined, files, addFiles };
}
