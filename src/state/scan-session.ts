/**
 * Starting, following and stopping memory scans of the dump on screen, over the whole pool. The page's part is
 * small on purpose: give every other worker the File once (attach; it is disk-backed, nothing is copied), link
 * each to the coordinator (the worker holding the analysis) with a fresh MessageChannel, start the scan there,
 * and pass its batched events on. Planning, handing out items and merging happen in the workers.
 *
 * A peer that dies mid-scan is replaced by the pool; this tells the coordinator, which reports the items that
 * worker held as lost (the census marks their regions missing). If the coordinator itself dies, the scan ends as
 * `lost`; what the page was shown so far stays.
 */
import * as Comlink from 'comlink';
import {
  isPausedSearch,
  type DumpId,
  type EngineApi,
  type PageScanRequest,
  type PeerPort,
  type ScanEnd,
  type ScanEvent,
  type ScanId,
} from '../../workers/engine-protocol';
import { EnginePool, WorkerLostError } from '../../workers/pool';
import type { Current, EngineSession } from './engine-session';

export type ScanOutcome = ScanEnd | { readonly ok: false; readonly reason: 'lost'; readonly message: string };

export interface ScanHandle {
  readonly scanId: ScanId;
  readonly dumpId: DumpId | undefined;
  /** The first end (a search paused at its limit ends here too; more() gives the next). */
  readonly end: Promise<ScanOutcome>;
  readonly cancel: () => void;
  readonly more: (limit: number) => Promise<ScanOutcome>;
}

interface Active {
  cancelled: boolean;
  coordinator: number;
  peers: readonly number[];
}

const CANCELLED: ScanEnd = { ok: true, kind: 'cancelled' };

/** How a scan starts on its coordinator, given the dump, the scan's id, the linked peers and the event sink. */
export type BeginScan = (
  api: Comlink.Remote<EngineApi>,
  dumpId: DumpId,
  scanId: ScanId,
  peers: readonly PeerPort[],
  onEvent: (event: ScanEvent) => void,
) => Promise<ScanEnd>;

/** Scan events that reached the page, before a cancelled scan's are dropped: counted in the test build only. */
export const scanEventsReceived = { count: 0 };

export class ScanSession {
  private nextScanId = 1;
  /** Which dump each slot's current worker holds for scanning: `${generation}:${dumpId}`. */
  private readonly attached = new Map<number, { key: string; id: DumpId }>();
  private readonly active = new Map<ScanId, Active>();

  constructor(
    private readonly pool: EnginePool,
    private readonly session: EngineSession,
  ) {
    pool.onWorkerLost((slot) => this.workerLost(slot));
  }

  start(request: PageScanRequest, onEvent: (event: ScanEvent) => void): ScanHandle {
    return this.startWith(
      (api, dumpId, scanId, peers, sink) => api.startScan(dumpId, scanId, request, peers, sink),
      onEvent,
    );
  }

  /** Starts a scan the way `begin` asks the coordinator to (the test build's raw read comes this way). */
  startWith(begin: BeginScan, onEvent: (event: ScanEvent) => void): ScanHandle {
    const scanId = this.nextScanId++;
    const entry: Active = { cancelled: false, coordinator: -1, peers: [] };
    this.active.set(scanId, entry);
    const handler = (event: ScanEvent) => {
      if (__COREVIEW_TEST__) scanEventsReceived.count++;
      if (!entry.cancelled) onEvent(event);
    };
    const settle = (outcome: ScanOutcome): ScanOutcome => {
      if (!isPausedSearch(outcome)) this.active.delete(scanId);
      return entry.cancelled ? CANCELLED : outcome;
    };
    const end = this.run(scanId, entry, begin, handler).then(settle);
    const more = (limit: number) => this.onCoordinator(entry, (api) => api.searchMore(scanId, limit)).then(settle);
    return { scanId, dumpId: this.session.currentId, end, cancel: () => this.cancel(scanId, entry), more };
  }

  private async run(
    scanId: ScanId,
    entry: Active,
    begin: BeginScan,
    onEvent: (event: ScanEvent) => void,
  ): Promise<ScanOutcome> {
    let d: Current;
    try {
      d = await this.session.liveDump();
    } catch (e) {
      return { ok: false, reason: 'lost', message: e instanceof Error ? e.message : String(e) };
    }
    const peers = await this.linkPeers(d);
    entry.coordinator = d.slot;
    entry.peers = peers.map((p) => p.slot);
    if (entry.cancelled) {
      for (const p of peers) p.port.close();
      return CANCELLED;
    }
    return this.onCoordinator(entry, (api) =>
      begin(
        api,
        d.id,
        scanId,
        Comlink.transfer(
          peers,
          peers.map((p) => p.port),
        ),
        Comlink.proxy(onEvent),
      ),
    );
  }

  private async onCoordinator(
    entry: Active,
    call: (api: Comlink.Remote<EngineApi>) => Promise<ScanEnd>,
  ): Promise<ScanOutcome> {
    try {
      return await this.pool.run(entry.coordinator, call);
    } catch (e) {
      if (e instanceof WorkerLostError) return { ok: false, reason: 'lost', message: e.message };
      throw e;
    }
  }

  /** Every other worker, holding the File and serving one end of a new channel; one that dies meanwhile is left out. */
  private async linkPeers(d: Current): Promise<PeerPort[]> {
    const slots = Array.from({ length: this.pool.size }, (_, slot) => slot).filter((slot) => slot !== d.slot);
    const linked = await Promise.all(
      slots.map(async (slot): Promise<PeerPort | undefined> => {
        try {
          await this.attach(slot, d);
          const channel = new MessageChannel();
          await this.pool.run(slot, (api) => api.servePeer(Comlink.transfer(channel.port2, [channel.port2])));
          return { slot, port: channel.port1 };
        } catch (e) {
          if (e instanceof WorkerLostError) return undefined;
          throw e;
        }
      }),
    );
    return linked.filter((p): p is PeerPort => p !== undefined);
  }

  /** Gives the slot's worker the File once per (worker, dump), dropping the dump it held before. */
  private async attach(slot: number, d: Current): Promise<void> {
    const key = `${this.pool.generation(slot)}:${d.id}`;
    const before = this.attached.get(slot);
    if (before?.key === key) return;
    await this.pool.run(slot, async (api) => {
      if (before !== undefined && before.key.startsWith(`${this.pool.generation(slot)}:`) && before.id !== d.id)
        await api.release(before.id);
      await api.attach(d.id, d.file);
    });
    this.attached.set(slot, { key, id: d.id });
  }

  private cancel(scanId: ScanId, entry: Active): void {
    if (entry.cancelled) return;
    entry.cancelled = true;
    if (entry.coordinator < 0) return;
    this.pool
      .run(entry.coordinator, (api) => api.cancelScan(scanId))
      .catch((e: unknown) => {
        // The coordinator is gone: so is the scan.
        if (!(e instanceof WorkerLostError)) throw e;
      });
  }

  private workerLost(slot: number): void {
    this.attached.delete(slot);
    for (const [scanId, entry] of this.active) {
      if (entry.cancelled || entry.coordinator === slot || !entry.peers.includes(slot)) continue;
      this.pool
        .run(entry.coordinator, (api) => api.peerLost(scanId, slot))
        .catch((e: unknown) => {
          if (!(e instanceof WorkerLostError)) throw e;
        });
    }
  }
}
