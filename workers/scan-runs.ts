/**
 * The three scans a coordinator runs over its lanes, each: plan with the engine (the CLI's plan, 16 MiB slices by
 * default), hand the items out with a Dispatcher, fold the results in, send the page a batch every ~150 ms, and
 * resolve `end` after the last event has reached the page.
 *   census     per-region touched pages (CensusMerger), OS clues → identifyOs when every region is in
 *   search     hits in plan order up to a limit (HitSequencer); pauses there until more() or cancel
 *   read-only  the census's reads without the computing: the baseline its speed is measured against
 */
import type { OsClue } from '../src/core/scan/identify-os';
import { identifyOs } from '../src/core/scan/identify-os';
import { planCensusChunks, type CensusItem } from '../src/core/scan/census';
import { hitText, planSearchChunks, type SearchHit } from '../src/core/scan/search';
import { compilePattern, type SearchQuery } from '../src/core/scan/search-pattern';
import { osView } from './analysis-view';
import { BATCH_INTERVAL_MS, BatchTimer } from './batch-timer';
import { batchBuffers, CensusMerger } from './census-merger';
import { Dispatcher } from './dispatcher';
import type { ScanEnd, ScanEvent, ScanId, ScanJob, ScanJobResult, ScanProgress, SearchHitRow } from './engine-protocol';
import { HitSequencer } from './hit-sequencer';
import type { HeldDump, JobLane } from './scan-coordinator';

export interface ScanContext {
  readonly scanId: ScanId;
  readonly lanes: readonly JobLane[];
  readonly depth: number;
  readonly sliceSize?: number;
  readonly elapsed: () => number;
  readonly send: (event: ScanEvent, transfer?: Transferable[]) => void;
  readonly finalSend: (event: ScanEvent, transfer?: Transferable[]) => Promise<void>;
  readonly laneName: (lane: number) => string;
}

export interface RunningScan {
  readonly end: Promise<ScanEnd>;
  readonly cancel: () => void;
  /** Stops the dispatcher and timers (after the end, or with a cancel). */
  readonly close: () => void;
  readonly more?: (limit: number) => Promise<ScanEnd>;
}

/** Bytes and items done, for the page's %, MB/s and time left. Lost items count as done (the bar reaches 100 %). */
class Progress {
  private bytesDone = 0;
  private itemsDone = 0;
  constructor(
    private readonly ctx: ScanContext,
    private readonly bytesTotal: number,
    private readonly itemsTotal: number,
  ) {}
  add(bytes: number): void {
    this.bytesDone += bytes;
    this.itemsDone += 1;
  }
  now(): ScanProgress {
    const { bytesDone, bytesTotal, itemsDone, itemsTotal } = this;
    return { bytesDone, bytesTotal, itemsDone, itemsTotal, elapsedMs: this.ctx.elapsed(), workers: this.ctx.lanes.length };
  }
}

/** One line per distinct failure: a dead worker loses several items at once and is one line. */
function failureList(ctx: ScanContext) {
  const lines = new Set<string>();
  return {
    lost: (lane: number, error: unknown) => lines.add(`${lane < 0 ? 'no worker was left' : `${ctx.laneName(lane)} stopped`}: ${error instanceof Error ? error.message : String(error)}`),
    failed: (message: string) => lines.add(message),
    get list(): string[] {
      return [...lines];
    },
  };
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: ((value: T) => void) | undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  if (resolve === undefined) throw new Error('unreachable: Promise executors run synchronously');
  return { promise, resolve };
}

/**
 * A scan's end, and its two ways to stop: close (no more work) and cancel (that, and end it as cancelled).
 * `current` gives the end being waited for now (a search makes a new one each time it is asked for more).
 */
function runningScan(current: () => { promise: Promise<ScanEnd>; resolve: (end: ScanEnd) => void }, stop: () => void): RunningScan {
  return { end: current().promise, cancel: () => (stop(), current().resolve({ ok: true, kind: 'cancelled' })), close: stop };
}

function itemAt<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new RangeError(`no plan item ${i}`);
  return item;
}

const byteTotal = (items: readonly { readonly length: number }[]) => items.reduce((sum, i) => sum + i.length, 0);

export function runCensusScan(ctx: ScanContext, d: HeldDump): RunningScan {
  const a = d.analysis;
  const items = planCensusChunks(a.regions, { sliceSize: ctx.sliceSize, fileSize: d.file.size });
  const merger = new CensusMerger(a, items, d.file.size);
  const clues: OsClue[] = [];
  const failures = failureList(ctx);
  const progress = new Progress(ctx, byteTotal(items), items.length);
  const done = deferred<ScanEnd>();
  const event = (): [ScanEvent, Transferable[]] => {
    const batch = merger.takeBatch();
    return [{ kind: 'census', scanId: ctx.scanId, progress: progress.now(), batch }, batchBuffers(batch)];
  };
  const timer = new BatchTimer(BATCH_INTERVAL_MS, () => ctx.send(...event()));
  let finished = false;
  const finish = async () => {
    timer.cancel();
    const complete = merger.isComplete;
    await ctx.finalSend(...event());
    const os = complete ? osView(identifyOs(clues, a.regions, a.files)) : undefined;
    done.resolve({ ok: true, kind: 'census', complete, ...(os !== undefined ? { os } : {}), progress: progress.now(), failures: failures.list });
  };
  const dispatcher = new Dispatcher<ScanJob, ScanJobResult>(ctx.lanes, (i) => ({ kind: 'census', item: itemAt(items, i) }), ctx.depth, {
    onResult: (i, r) => {
      const item: CensusItem = itemAt(items, i);
      progress.add(item.length);
      if (r.kind === 'census') {
        merger.add(item, r.partial);
        clues.push(...r.clues);
      } else {
        merger.fail(item);
        failures.failed(r.kind === 'failed' ? r.message : `unexpected ${r.kind} result`);
      }
      timer.mark();
    },
    onLost: (i, lane, error) => {
      const item = itemAt(items, i);
      progress.add(item.length);
      merger.fail(item);
      failures.lost(lane, error);
      timer.mark();
    },
    onIdle: () => {
      if (finished) return;
      finished = true;
      void finish();
    },
  });
  // Regions with nothing in the dump are complete already: show them now, then scan the rest.
  ctx.send(...event());
  dispatcher.enqueue(items.keys());
  return runningScan(() => done, () => {
    finished = true;
    dispatcher.stop();
    timer.cancel();
  });
}

export function runReadOnlyScan(ctx: ScanContext, d: HeldDump): RunningScan {
  const items = planCensusChunks(d.analysis.regions, { sliceSize: ctx.sliceSize, fileSize: d.file.size });
  const progress = new Progress(ctx, byteTotal(items), items.length);
  const failures = failureList(ctx);
  const done = deferred<ScanEnd>();
  const timer = new BatchTimer(BATCH_INTERVAL_MS, () => ctx.send({ kind: 'progress', scanId: ctx.scanId, progress: progress.now() }));
  let finished = false;
  const job = (i: number): ScanJob => ({ kind: 'read', fileOffset: itemAt(items, i).fileOffset, length: itemAt(items, i).length });
  const dispatcher = new Dispatcher<ScanJob, ScanJobResult>(ctx.lanes, job, ctx.depth, {
    onResult: (i, r) => {
      progress.add(itemAt(items, i).length);
      if (r.kind === 'failed') failures.failed(r.message);
      timer.mark();
    },
    onLost: (i, lane, error) => {
      progress.add(itemAt(items, i).length);
      failures.lost(lane, error);
    },
    onIdle: () => {
      if (finished) return;
      finished = true;
      timer.cancel();
      void ctx.finalSend({ kind: 'progress', scanId: ctx.scanId, progress: progress.now() }).then(() => done.resolve({ ok: true, kind: 'read-only', progress: progress.now(), failures: failures.list }));
    },
  });
  dispatcher.enqueue(items.keys());
  return runningScan(() => done, () => {
    finished = true;
    dispatcher.stop();
    timer.cancel();
  });
}

export function runSearchScan(ctx: ScanContext, d: HeldDump, query: SearchQuery, firstLimit: number): RunningScan {
  const compiled = compilePattern(query);
  if (!compiled.ok) return { end: Promise.resolve({ ok: false, reason: 'pattern', error: compiled.error }), cancel: () => undefined, close: () => undefined };
  const pattern = compiled.pattern;
  const items = planSearchChunks(d.analysis.regions, pattern.length, { sliceSize: ctx.sliceSize, fileSize: d.file.size });
  const progress = new Progress(ctx, byteTotal(items), items.length);
  const failures = failureList(ctx);
  const sequencer = new HitSequencer<SearchHit>(items.length);
  const usedLimit = new Map<number, number>();
  const rerunLimit = new Map<number, number>();
  let limit = firstLimit;
  let rows: SearchHitRow[] = [];
  let done = deferred<ScanEnd>();
  let ended = false;
  const hitsEvent = (): ScanEvent => {
    const hits = rows;
    rows = [];
    return { kind: 'hits', scanId: ctx.scanId, progress: progress.now(), hits };
  };
  const timer = new BatchTimer(BATCH_INTERVAL_MS, () => ctx.send(hitsEvent()));
  const end = (limitReached: boolean) => {
    if (ended) return;
    ended = true;
    timer.cancel();
    const result: ScanEnd = { ok: true, kind: 'search', limitReached, hits: sequencer.delivered, progress: progress.now(), failures: failures.list };
    void ctx.finalSend(hitsEvent()).then(() => done.resolve(result));
  };
  const deliver = () => {
    const out = sequencer.drain(limit);
    for (const hit of out.hits) rows.push(hitRow(hit, pattern.length));
    if (out.rerun !== undefined) {
      rerunLimit.set(out.rerun.itemId, out.rerun.limit);
      dispatcher.enqueueFirst(out.rerun.itemId);
    }
    if (out.finished) {
      dispatcher.stop();
      end(false);
    } else if (sequencer.delivered >= limit) {
      dispatcher.pause();
      end(true);
    } else timer.mark();
  };
  const job = (i: number): ScanJob => {
    const itemLimit = rerunLimit.get(i) ?? limit;
    rerunLimit.delete(i);
    usedLimit.set(i, itemLimit);
    return { kind: 'search', item: itemAt(items, i), pattern, limit: itemLimit };
  };
  const dispatcher: Dispatcher<ScanJob, ScanJobResult> = new Dispatcher<ScanJob, ScanJobResult>(ctx.lanes, job, ctx.depth, {
    onResult: (i, r) => {
      progress.add(itemAt(items, i).length);
      if (r.kind === 'search') sequencer.put(i, { hits: r.hits, limit: usedLimit.get(i) ?? limit });
      else {
        sequencer.lose(i);
        failures.failed(r.kind === 'failed' ? r.message : `unexpected ${r.kind} result`);
      }
      usedLimit.delete(i);
      deliver();
    },
    onLost: (i, lane, error) => {
      progress.add(itemAt(items, i).length);
      sequencer.lose(i);
      failures.lost(lane, error);
      deliver();
    },
    onIdle: deliver,
  });
  dispatcher.enqueue(items.keys());
  const more = (next: number): Promise<ScanEnd> => {
    limit = Math.max(limit, next);
    done = deferred<ScanEnd>();
    ended = false;
    dispatcher.resume();
    deliver();
    return done.promise;
  };
  const scan = runningScan(
    () => done,
    () => {
      dispatcher.stop();
      timer.cancel();
    },
  );
  return { ...scan, more };
}

/** A hit as the page lists it: the CLI's context text (hitText), with the address and region to link to. */
export function hitRow(hit: SearchHit, patternLength: number): SearchHitRow {
  return { address: hit.address, regionIndex: hit.regionIndex, ...hitText(hit, patternLength) };
}
