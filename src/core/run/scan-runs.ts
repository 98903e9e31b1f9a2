/**
 * The memory passes, each a plan run over the host's lanes: plan with the engine (16 MiB slices by default), hand
 * the items out with a Dispatcher, fold the results in, send a batch every ~150 ms, and resolve `end` after the
 * last event has been delivered.
 *   census     per-region touched pages (CensusMerger), OS clues → identifyOs when every region is in; what it
 *              learns of where the data is goes into the target's TouchedMap for the passes after it
 *   search     hits in plan order up to a limit (HitSequencer); pauses there until more() or cancel; after a
 *              census it reads only the touched pages (and what a match starting before them could need)
 *   read-only  the census's reads without the computing: the baseline its speed is measured against
 */
import { identifyOs, type OsClue } from '../scan/identify-os';
import { runtimeWithMemoryVersion, type RuntimeClue } from '../scan/runtime-clues';
import { planCensusChunks, type CensusItem } from '../scan/census';
import { hitText, planSearchChunks, type SearchHit } from '../scan/search';
import { compilePattern, matchesZeros, type SearchQuery } from '../scan/search-pattern';
import { BATCH_INTERVAL_MS, BatchTimer } from './batch-timer';
import { CensusMerger } from './census-merger';
import { Dispatcher } from './dispatcher';
import { HitSequencer } from './hit-sequencer';
import {
  byteTotal,
  DEFAULT_DEPTH,
  deferred,
  failureList,
  itemAt,
  Progress,
  runningScan,
  type RunningScan,
  type ScanContext,
  type ScanTarget,
} from './scan-context';
import { batchBuffers, type ScanEnd, type ScanEvent, type ScanRequest, type SearchHitRow } from './scan-events';
import type { ScanJob, ScanJobResult } from './scan-job';

/** Starts the pass `request` asks for. */
export function startScanRun(ctx: ScanContext, target: ScanTarget, request: ScanRequest): RunningScan {
  switch (request.kind) {
    case 'census':
      return runCensusScan(ctx, target);
    case 'search':
      return runSearchScan(ctx, target, request.query, request.limit);
    case 'read-only':
      return runReadOnlyScan(ctx, target);
  }
}

/** The depth a request asks for, else the default. */
export function depthOf(request: ScanRequest): number {
  return request.tuning?.depth ?? DEFAULT_DEPTH;
}

function runCensusScan(ctx: ScanContext, target: ScanTarget): RunningScan {
  const a = target.analysis;
  const items = planCensusChunks(a.regions, { sliceSize: ctx.sliceSize, fileSize: target.fileSize });
  const merger = new CensusMerger(a, items, target.fileSize);
  const clues: OsClue[] = [];
  const runtimeClues: RuntimeClue[] = [];
  const failures = failureList(ctx);
  const progress = new Progress(ctx, byteTotal(items), items.length);
  const done = deferred<ScanEnd>();
  const event = (): [ScanEvent, ArrayBuffer[]] => {
    const batch = merger.takeBatch();
    return [{ kind: 'census', scanId: ctx.scanId, progress: progress.now(), batch }, batchBuffers(batch)];
  };
  const timer = new BatchTimer(BATCH_INTERVAL_MS, () => ctx.send(...event()));
  let finished = false;
  const finish = async () => {
    timer.cancel();
    const complete = merger.isComplete;
    await ctx.finalSend(...event());
    const os = complete ? identifyOs(clues, a.regions, a.files) : undefined;
    const runtime = complete ? runtimeWithMemoryVersion(a.process.runtime, runtimeClues, a.regions) : undefined;
    const refined = runtime !== undefined && runtime !== a.process.runtime ? { runtime } : {};
    done.resolve({
      ok: true,
      kind: 'census',
      complete,
      touched: merger.touched,
      ...(os !== undefined ? { os } : {}),
      ...refined,
      progress: progress.now(),
      failures: failures.list,
    });
  };
  const lose = (item: CensusItem) => {
    merger.fail(item);
    target.touched.drop(item.regionIndex);
  };
  const dispatcher = new Dispatcher<ScanJob, ScanJobResult>(
    ctx.lanes,
    (i) => ({ kind: 'census', item: itemAt(items, i) }),
    ctx.depth,
    {
      onResult: (i, r) => {
        const item: CensusItem = itemAt(items, i);
        progress.add(item.length);
        if (r.kind === 'census') {
          target.touched.add(item, r.touched);
          if (merger.add(item, r.partial)) target.touched.complete(item.regionIndex);
          clues.push(...r.clues);
          runtimeClues.push(...r.runtimeClues);
        } else {
          lose(item);
          failures.failed(r.kind === 'failed' ? r.message : `unexpected ${r.kind} result`);
        }
        timer.mark();
      },
      onLost: (i, lane, error) => {
        const item = itemAt(items, i);
        progress.add(item.length);
        lose(item);
        failures.lost(lane, error);
        timer.mark();
      },
      onIdle: () => {
        if (finished) return;
        finished = true;
        void finish();
      },
    },
  );
  // Regions with nothing in the dump are complete already: show them now, then scan the rest.
  ctx.send(...event());
  dispatcher.enqueue(items.keys());
  return runningScan(
    () => done,
    () => {
      finished = true;
      dispatcher.stop();
      timer.cancel();
    },
  );
}

function runReadOnlyScan(ctx: ScanContext, target: ScanTarget): RunningScan {
  const items = planCensusChunks(target.analysis.regions, { sliceSize: ctx.sliceSize, fileSize: target.fileSize });
  const progress = new Progress(ctx, byteTotal(items), items.length);
  const failures = failureList(ctx);
  const done = deferred<ScanEnd>();
  const timer = new BatchTimer(BATCH_INTERVAL_MS, () =>
    ctx.send({ kind: 'progress', scanId: ctx.scanId, progress: progress.now() }),
  );
  let finished = false;
  const job = (i: number): ScanJob => ({
    kind: 'read',
    fileOffset: itemAt(items, i).fileOffset,
    length: itemAt(items, i).length,
  });
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
      void ctx
        .finalSend({ kind: 'progress', scanId: ctx.scanId, progress: progress.now() })
        .then(() => done.resolve({ ok: true, kind: 'read-only', progress: progress.now(), failures: failures.list }));
    },
  });
  dispatcher.enqueue(items.keys());
  return runningScan(
    () => done,
    () => {
      finished = true;
      dispatcher.stop();
      timer.cancel();
    },
  );
}

function runSearchScan(ctx: ScanContext, target: ScanTarget, query: SearchQuery, firstLimit: number): RunningScan {
  const compiled = compilePattern(query);
  if (!compiled.ok)
    return {
      end: Promise.resolve({ ok: false, reason: 'pattern', error: compiled.error }),
      cancel: () => undefined,
      close: () => undefined,
    };
  const pattern = compiled.pattern;
  // Zero pages cannot hold a match of a pattern that needs a non-zero byte: after a census, only touched pages
  // (and the pattern's length before each) are read.
  const touchedRanges = matchesZeros(pattern) ? undefined : (i: number) => target.touched.rangesOf(i);
  const items = planSearchChunks(target.analysis.regions, pattern.length, {
    sliceSize: ctx.sliceSize,
    fileSize: target.fileSize,
    ...(touchedRanges ? { touchedRanges } : {}),
  });
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
    const result: ScanEnd = {
      ok: true,
      kind: 'search',
      limitReached,
      hits: sequencer.delivered,
      progress: progress.now(),
      failures: failures.list,
    };
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
  const dispatcher: Dispatcher<ScanJob, ScanJobResult> = new Dispatcher<ScanJob, ScanJobResult>(
    ctx.lanes,
    job,
    ctx.depth,
    {
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
    },
  );
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

/** A hit as hosts list it: the context text (hitText), with the address and region to link to. */
export function hitRow(hit: SearchHit, patternLength: number): SearchHitRow {
  return { address: hit.address, regionIndex: hit.regionIndex, ...hitText(hit, patternLength) };
}
