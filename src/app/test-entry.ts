/**
 * The test build's entry (`npm run build:test`): window.__coreview, for what e2e tests and the browser benchmark
 * cannot do through the page's UI (crash a worker, count scan work, the census's raw-read baseline). In the
 * product's build __COREVIEW_TEST__ is false: useTestEntry does nothing and the bundle drops the rest of this file.
 */
import type * as Comlink from 'comlink';
import { useEffect } from 'react';
import type { EngineApi, EngineTestApi, ScanProgress, ScanStats, ScanTuning } from '../../workers/engine-protocol';
import { WorkerLostError } from '../../workers/pool';
import { scanEventsReceived, type BeginScan } from '../state/scan-session';
import type { Engine } from '../state/use-engine';

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

/** The test build's workers serve EngineTestApi (engine.worker.ts adds it under the same constant). */
function testApi(api: Comlink.Remote<EngineApi>): Comlink.Remote<EngineTestApi> {
  return api as Comlink.Remote<EngineTestApi>;
}

function installTestEntry(engine: Engine, startCensus: () => void, tuning: ScanTuning): void {
  // Looked up on each call: the pool is created on first use (and again after a development remount).
  const pool = () => engine.parts().pool;
  const endWorkers = (only: number | undefined, silently: boolean) => {
    for (let slot = 0; slot < pool().size; slot++) {
      if (only !== undefined && slot !== only) continue;
      void pool()
        .run(slot, (api) => (silently ? testApi(api).vanishForTest() : testApi(api).crashForTest()))
        .catch((e: unknown) => {
          // Losing the worker is the point of the call; anything else is a bug worth seeing.
          if (!(e instanceof WorkerLostError)) throw e;
        });
    }
  };
  window.__coreview = {
    crashWorker: (slot) => endWorkers(slot, false),
    vanishWorker: (slot) => endWorkers(slot, true),
    coordinatorSlot: () => engine.parts().session.currentSlot,
    poolSize: pool().size,
    scanStats: async () => {
      const all: ScanStats[] = [];
      for (let slot = 0; slot < pool().size; slot++)
        all.push(await pool().run(slot, (api) => testApi(api).scanStats()));
      return all;
    },
    scanEvents: () => scanEventsReceived.count,
    rawRead: async (over) => {
      const begin: BeginScan = (api, dumpId, scanId, peers, onEvent) =>
        testApi(api).startRawRead(dumpId, scanId, { ...tuning, ...over }, peers, onEvent);
      const end = await engine.parts().scans.startWith(begin, () => undefined).end;
      if (!end.ok || end.kind !== 'read-only') throw new Error(`raw read did not run: ${JSON.stringify(end)}`);
      return { ...end.progress, failures: end.failures };
    },
    startCensus,
  };
}

function useInstalledTestEntry(engine: Engine, startCensus: () => void, tuning: ScanTuning): void {
  useEffect(() => installTestEntry(engine, startCensus, tuning), [engine, startCensus, tuning]);
}

/** Installs window.__coreview in the test build; nothing in the product's. */
export const useTestEntry: (engine: Engine, startCensus: () => void, tuning: ScanTuning) => void = __COREVIEW_TEST__
  ? useInstalledTestEntry
  : () => undefined;
