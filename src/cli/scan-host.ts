/**
 * The CLI as a host of the scan runtime: the census and the search of `--scan` / `--search` run as the page runs
 * them (src/core/run), over worker-thread lanes, with progress on stderr when it is a terminal.
 */
import type { Analysis, OsIdentification, RuntimeInfo } from '../core/types';
import type { ScanContext, ScanTarget } from '../core/run/scan-context';
import type { ScanEnd, ScanEvent, ScanRequest, SearchHitRow } from '../core/run/scan-events';
import { depthOf, startScanRun } from '../core/run/scan-runs';
import { TouchedMap } from '../core/run/touched-map';
import type { SearchQuery } from '../core/scan/search-pattern';
import { StderrProgress } from './stderr-progress';
import { threadLanes } from './thread-lanes';

export interface CensusOutcome {
  /** Touched bytes per region index; undefined where a region's census is missing (a failed slice or lane). */
  readonly touched: (number | undefined)[];
  /** Per thread index: the stack's high-water depth (bytes below its top); NaN where its census is missing. */
  readonly threadDepth: Float64Array;
  readonly complete: boolean;
  readonly os: OsIdentification | undefined;
  /** The runtime with a version read from memory, when the census found one. */
  readonly runtime: RuntimeInfo | undefined;
  readonly failures: readonly string[];
}

/**
 * Runs one pass over worker threads (`workers` of them, else the default) and hands each event to `onEvent`;
 * resolves with the pass's end. A search that reaches its limit ends there: the CLI asks for no more.
 */
async function runPass(
  path: string,
  analysis: Analysis,
  request: ScanRequest,
  workers: number | undefined,
  onEvent: (event: ScanEvent) => void,
): Promise<ScanEnd> {
  const pool = threadLanes(path, workers);
  const started = performance.now();
  const target: ScanTarget = { analysis, fileSize: analysis.dump.size, touched: new TouchedMap() };
  const ctx: ScanContext = {
    scanId: 1,
    lanes: pool.lanes,
    depth: depthOf(request),
    elapsed: () => performance.now() - started,
    send: onEvent,
    finalSend: (event) =>
      new Promise((resolve) => {
        onEvent(event);
        resolve();
      }),
    laneName: (lane) => `scan worker thread ${lane + 1}`,
  };
  const run = startScanRun(ctx, target, request);
  try {
    return await run.end;
  } finally {
    run.close();
    await pool.close();
  }
}

export async function censusOnThreads(
  path: string,
  analysis: Analysis,
  workers: number | undefined,
): Promise<CensusOutcome> {
  const progress = new StderrProgress('scanning');
  const threadDepth = new Float64Array(analysis.threads.length).fill(NaN);
  const end = await runPass(path, analysis, { kind: 'census' }, workers, (event) => {
    progress.show(event.progress);
    if (event.kind !== 'census') return;
    const { threads, threadDepth: depths } = event.batch;
    for (let k = 0; k < threads.length; k++) threadDepth[threads[k] ?? 0] = depths[k] ?? NaN;
  });
  progress.end();
  if (!end.ok || end.kind !== 'census') throw new Error(`the census did not run (${end.ok ? end.kind : end.reason})`);
  const touched = Array.from(end.touched, (t) => (Number.isNaN(t) ? undefined : t));
  return { touched, threadDepth, complete: end.complete, os: end.os, runtime: end.runtime, failures: end.failures };
}

/**
 * Hits in address order, each handed to `onHit` as it is delivered, up to `limit`. Resolves with the count and
 * whether the limit stopped the search.
 */
export async function searchOnThreads(
  path: string,
  analysis: Analysis,
  query: SearchQuery,
  limit: number,
  workers: number | undefined,
  onHit: (hit: SearchHitRow) => void,
): Promise<ScanEnd> {
  const progress = new StderrProgress('searching');
  const end = await runPass(path, analysis, { kind: 'search', query, limit }, workers, (event) => {
    if (event.kind !== 'hits') return;
    for (const hit of event.hits) onHit(hit);
    progress.show(event.progress);
  });
  progress.end();
  return end;
}
