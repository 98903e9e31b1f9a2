/**
 * The coordinator side of a scan, in the worker that holds the analysis: builds one lane per worker (itself, and
 * each peer over the MessagePort the page linked it with), runs the pass with the scan runtime (src/core/run) over
 * them, and keeps the running scans so cancelScan, peerLost and searchMore can reach them. What a census learns
 * of where the dump's data is stays with the dump (a TouchedMap), so a later search reads only that.
 *
 * A peer's comlink call never settles if the peer dies (its port just goes quiet), so each lane races its calls
 * against a "lost" signal that peerLost (the page saw the worker's error event) fires.
 */
import * as Comlink from 'comlink';
import { settleAfterCensus } from '../src/core/model/after-census';
import type { Analysis } from '../src/core/types';
import type { JobLane, ScanContext, ScanTarget } from '../src/core/run/scan-context';
import type { ScanEnd as RuntimeScanEnd } from '../src/core/run/scan-events';
import { depthOf, startScanRun } from '../src/core/run/scan-runs';
import type { ScanJobResult } from '../src/core/run/scan-job';
import { TouchedMap } from '../src/core/run/touched-map';
import { osView, regionColumns } from './analysis-view';
import {
  isPausedSearch,
  type DumpId,
  type EngineApi,
  type PeerPort,
  type ScanEnd,
  type ScanEvent,
  type ScanId,
  type ScanRequest,
  type SettledView,
} from './engine-protocol';
import { runJob } from './scan-executor';

export interface HeldDump {
  /** Replaced by what a complete census settles (settleAfterCensus). */
  analysis: Analysis;
  /** Only its size is read here (a File, or a dump read over HTTP). */
  readonly file: { readonly size: number };
}

interface Running {
  readonly dumpId: DumpId;
  readonly kind: ScanRequest['kind'];
  readonly more?: (limit: number) => Promise<RuntimeScanEnd>;
  readonly cancel: () => void;
  readonly close: () => void;
  readonly peerLost: (slot: number) => void;
}

const running = new Map<ScanId, Running>();
/** What the censuses of each held dump learned of where its data is. */
const touchedMaps = new WeakMap<HeldDump, TouchedMap>();

/**
 * A search started while the dump's census runs takes one job per lane instead of two, so the census keeps two
 * thirds of the reads. Measured once on an 800-thread gcore (a whole-dump search started a second into the census):
 * the census ran at 0.49–0.53× its speed alone with two jobs each, 0.61–0.65× with this.
 */
function searchBesideCensus(dumpId: DumpId, request: ScanRequest): boolean {
  return request.kind === 'search' && [...running.values()].some((r) => r.dumpId === dumpId && r.kind === 'census');
}

export function scansRunning(): number {
  return running.size;
}

export async function startScan(
  d: HeldDump,
  dumpId: DumpId,
  scanId: ScanId,
  request: ScanRequest,
  peers: readonly PeerPort[],
  onEvent: (event: ScanEvent) => void,
): Promise<ScanEnd> {
  const lanes = new PeerLanes(dumpId, peers);
  const started = performance.now();
  let cancelled = false;
  const ctx: ScanContext = {
    scanId,
    lanes: lanes.lanes,
    depth: searchBesideCensus(dumpId, request) ? 1 : depthOf(request),
    ...(request.tuning?.sliceSize !== undefined ? { sliceSize: request.tuning.sliceSize } : {}),
    elapsed: () => performance.now() - started,
    send: (event, transfer = []) => {
      if (cancelled) return;
      // Fire and forget: the page applies events in order (one port); only the last one is awaited (finalSend).
      void callPage(onEvent, event, transfer);
    },
    finalSend: async (event, transfer = []) => {
      if (!cancelled) await callPage(onEvent, event, transfer);
    },
    laneName: (lane) => lanes.name(lane),
  };
  let touched = touchedMaps.get(d);
  if (touched === undefined) {
    touched = new TouchedMap();
    touchedMaps.set(d, touched);
  }
  const target: ScanTarget = { analysis: d.analysis, fileSize: d.file.size, touched };
  const run = startScanRun(ctx, target, request);
  running.set(scanId, {
    dumpId,
    kind: request.kind,
    ...(run.more !== undefined ? { more: run.more } : {}),
    cancel: () => {
      cancelled = true;
      run.cancel();
    },
    close: () => {
      run.close();
      lanes.close();
      running.delete(scanId);
    },
    peerLost: (slot: number) => lanes.lose(slot),
  });
  const end = forPage(d, await run.end);
  if (isPausedSearch(end)) return end; // stays open for searchMore
  running.get(scanId)?.close();
  return end;
}

export async function searchMore(scanId: ScanId, limit: number): Promise<ScanEnd> {
  const scan = running.get(scanId);
  if (scan?.more === undefined) return { ok: true, kind: 'cancelled' };
  const end = await scan.more(limit);
  if (!isPausedSearch(end)) running.get(scanId)?.close();
  // Only a search has more to give: a census end never comes this way.
  return end.ok && end.kind === 'census' ? { ok: true, kind: 'cancelled' } : end;
}

export function cancelScan(scanId: ScanId): void {
  const scan = running.get(scanId);
  if (scan === undefined) return;
  scan.cancel();
  scan.close();
}

export function peerLost(scanId: ScanId, slot: number): void {
  running.get(scanId)?.peerLost(slot);
}

/** A census's end as the page takes it: its OS in the page's form, and what it settled applied to the held dump. */
function forPage(d: HeldDump, end: RuntimeScanEnd): ScanEnd {
  if (!end.ok || end.kind !== 'census') return end;
  // The page keeps its own copy of the touched bytes (the batches): the array stays here.
  const { os, touched, ...rest } = end;
  const view = osView(os);
  const settled = end.complete ? settle(d, touched) : undefined;
  return { ...rest, ...(view !== undefined ? { os: view } : {}), ...(settled !== undefined ? { settled } : {}) };
}

/**
 * Applies what a complete census settles to the held analysis (exports and the hex view then use it), and gives the
 * page the view's new regions and totals; undefined when nothing changed.
 */
function settle(d: HeldDump, touched: Float64Array): SettledView | undefined {
  const settled = settleAfterCensus(d.analysis, touched);
  if (settled === d.analysis) return undefined;
  d.analysis = settled;
  return {
    regions: regionColumns(settled.regions),
    totals: settled.totals.map((t) => ({ ...t })),
    imageTotals: settled.imageTotals.map((t) => ({ ...t })),
  };
}

function callPage(onEvent: (event: ScanEvent) => void, event: ScanEvent, transfer: ArrayBuffer[]): Promise<unknown> {
  // onEvent is a comlink proxy: calling it posts a message and returns a promise of the page's return.
  const send: (event: ScanEvent) => unknown = onEvent;
  return Promise.resolve(send(Comlink.transfer(event, transfer))).catch((e: unknown) => {
    console.error('coreview: a scan event did not reach the page', e);
  });
}

/** Lane 0 is this worker; lane k > 0 is peers[k − 1]. */
class PeerLanes {
  readonly lanes: JobLane[];
  private readonly remotes: Comlink.Remote<EngineApi>[] = [];
  private readonly pending: Set<(e: Error) => void>[] = [];
  private readonly dead: boolean[] = [];

  constructor(
    dumpId: DumpId,
    private readonly peers: readonly PeerPort[],
  ) {
    this.lanes = [{ run: (job) => runJob(dumpId, job) }];
    peers.forEach((p, k) => {
      const remote = Comlink.wrap<EngineApi>(p.port);
      const pending = new Set<(e: Error) => void>();
      this.remotes.push(remote);
      this.pending.push(pending);
      this.dead.push(false);
      this.lanes.push({
        run: (job) => {
          if (this.dead[k] === true) return Promise.reject(new Error(`worker ${p.slot + 1} is gone`));
          return new Promise<ScanJobResult>((resolve, reject) => {
            pending.add(reject);
            remote
              .runJob(dumpId, job)
              .then(resolve, reject)
              .finally(() => pending.delete(reject));
          });
        },
      });
    });
  }

  name(lane: number): string {
    const slot = lane === 0 ? undefined : this.peers[lane - 1]?.slot;
    return slot === undefined ? 'the coordinating worker' : `engine worker ${slot + 1}`;
  }

  lose(slot: number): void {
    const k = this.peers.findIndex((p) => p.slot === slot);
    if (k < 0 || this.dead[k] === true) return;
    this.dead[k] = true;
    const error = new Error(`engine worker ${slot + 1} stopped`);
    for (const reject of this.pending[k] ?? []) reject(error);
    this.pending[k]?.clear();
  }

  /** Releases the peers' ends (comlink's release closes the port on both sides). */
  close(): void {
    for (const remote of this.remotes) remote[Comlink.releaseProxy]();
  }
}
