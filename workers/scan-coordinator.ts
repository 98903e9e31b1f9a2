/**
 * The coordinator side of a scan, in the worker that holds the analysis: builds one lane per worker (itself, and
 * each peer over the MessagePort the page linked it with), runs the census / search / raw-read run over them, and
 * keeps the running scans so cancelScan, peerLost and searchMore can reach them.
 *
 * A peer's comlink call never settles if the peer dies (its port just goes quiet), so each lane races its calls
 * against a "lost" signal that peerLost (the page saw the worker's error event) fires.
 */
import * as Comlink from 'comlink';
import type { Analysis } from '../src/core/model/types';
import type { Lane } from './dispatcher';
import { isPausedSearch, type DumpId, type EngineApi, type PeerPort, type ScanEnd, type ScanEvent, type ScanId, type ScanJob, type ScanJobResult, type ScanRequest } from './engine-protocol';
import { runJob } from './scan-executor';
import { runCensusScan, runReadOnlyScan, runSearchScan, type RunningScan, type ScanContext } from './scan-runs';

export interface HeldDump {
  readonly analysis: Analysis;
  readonly file: Blob;
}

export type JobLane = Lane<ScanJob, ScanJobResult>;

const running = new Map<ScanId, RunningScan & { readonly peerLost: (slot: number) => void }>();

export function scansRunning(): number {
  return running.size;
}

/** Default in-flight jobs per worker: one slice read under way while the previous one is scanned. */
export const DEFAULT_DEPTH = 2;

export async function startScan(d: HeldDump, dumpId: DumpId, scanId: ScanId, request: ScanRequest, peers: readonly PeerPort[], onEvent: (event: ScanEvent) => void): Promise<ScanEnd> {
  const lanes = new PeerLanes(dumpId, peers);
  const started = performance.now();
  let cancelled = false;
  const ctx: ScanContext = {
    scanId,
    lanes: lanes.lanes,
    depth: request.tuning?.depth ?? DEFAULT_DEPTH,
    sliceSize: request.tuning?.sliceSize,
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
  const run: RunningScan =
    request.kind === 'census'
      ? runCensusScan(ctx, d)
      : request.kind === 'search'
        ? runSearchScan(ctx, d, request.query, request.limit)
        : runReadOnlyScan(ctx, d);
  running.set(scanId, {
    ...run,
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
  const end = await run.end;
  if (isPausedSearch(end)) return end; // stays open for searchMore
  running.get(scanId)?.close();
  return end;
}

export async function searchMore(scanId: ScanId, limit: number): Promise<ScanEnd> {
  const scan = running.get(scanId);
  if (scan?.more === undefined) return { ok: true, kind: 'cancelled' };
  const end = await scan.more(limit);
  if (!isPausedSearch(end)) running.get(scanId)?.close();
  return end;
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

function callPage(onEvent: (event: ScanEvent) => void, event: ScanEvent, transfer: Transferable[]): Promise<unknown> {
  // onEvent is a comlink proxy: calling it posts a message and returns a promise of the page's return.
  return Promise.resolve(onEvent(Comlink.transfer(event, transfer)) as unknown).catch((e: unknown) => {
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
            remote.runJob(dumpId, job).then(resolve, reject).finally(() => pending.delete(reject));
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
