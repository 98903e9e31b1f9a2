/**
 * Test and benchmark hooks on window.__coreview. Harmless in production: they only touch this page's own workers
 * and read its own state.
 */
import { useEffect } from 'react';
import type { ScanProgress, ScanStats, ScanTuning } from '../../workers/engine-protocol';
import type { Engine } from './use-engine';

declare global {
  interface Window {
    __coreview?: {
      /** Crashes one worker (by pool slot) or all of them. */
      crashWorker: (slot?: number) => void;
      /** Ends one worker (or all) without an error event, as the browser does when it reclaims memory. */
      vanishWorker: (slot?: number) => void;
      /** The pool slot whose worker holds the dump on screen (the scans' coordinator). */
      coordinatorSlot: () => number | undefined;
      poolSize: number;
      /** In-flight jobs and jobs done per worker. */
      scanStats: () => Promise<ScanStats[]>;
      /** Scan events that reached the page, counted before a cancelled scan's are dropped. */
      scanEvents: () => number;
      /** The census's reads without computing, over the same workers and slices: the benchmark's baseline. */
      rawRead: (tuning?: ScanTuning) => Promise<ScanProgress & { readonly failures: readonly string[] }>;
      startCensus: () => void;
    };
  }
}

export function useTestHooks(engine: Engine, startCensus: () => void, tuning: ScanTuning): void {
  useEffect(() => {
    window.__coreview = {
      crashWorker: (slot) => engine.crashWorkerForTest(slot),
      vanishWorker: (slot) => engine.crashWorkerForTest(slot, true),
      coordinatorSlot: () => engine.coordinatorSlot(),
      poolSize: engine.poolSize,
      scanStats: () => engine.scans().stats(),
      scanEvents: () => engine.scans().rawEvents,
      rawRead: async (over) => {
        const end = await engine.scans().start({ kind: 'read-only', tuning: { ...tuning, ...over } }, () => undefined).end;
        if (!end.ok || end.kind !== 'read-only') throw new Error(`raw read did not run: ${JSON.stringify(end)}`);
        return { ...end.progress, failures: end.failures };
      },
      startCensus,
    };
  }, [engine, startCensus, tuning]);
}
