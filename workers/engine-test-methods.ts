/**
 * The methods a worker of the test build adds to EngineApi (EngineTestApi): engine.worker.ts adds them only when
 * __COREVIEW_TEST__ is true, so the product's bundle drops this module.
 */
import type { DumpId, EngineApi, EngineTestApi, ScanEnd } from './engine-protocol';
import { scansRunning, startScan, type HeldDump } from './scan-coordinator';
import { executorStats } from './scan-executor';

export type EngineTestMethods = Omit<EngineTestApi, keyof EngineApi>;

/** The test methods of a worker whose held dumps `held` finds. */
export function engineTestMethods(held: (id: DumpId) => HeldDump | undefined): EngineTestMethods {
  return {
    crashForTest() {
      setTimeout(() => {
        throw new Error('coreview: worker crash requested by a test');
      });
    },

    vanishForTest() {
      // Heartbeats stop with the worker; the page is told nothing.
      setTimeout(() => close());
    },

    scanStats() {
      return executorStats(scansRunning());
    },

    async startRawRead(id, scanId, tuning, peers, onEvent): Promise<ScanEnd> {
      const d = held(id);
      if (d === undefined) return { ok: false, reason: 'not-loaded' };
      return startScan(
        d,
        id,
        scanId,
        { kind: 'read-only', ...(tuning !== undefined ? { tuning } : {}) },
        peers,
        onEvent,
      );
    },
  };
}
