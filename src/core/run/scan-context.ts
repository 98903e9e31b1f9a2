/**
 * What a host gives a scan (its lanes, how to send events) and the small pieces every scan run shares: progress,
 * failure lines, the end a caller waits for.
 */
import type { Analysis } from '../types';
import type { Lane } from './dispatcher';
import type { ScanJob, ScanJobResult } from './scan-job';
import type { ScanEnd, ScanEvent, ScanId, ScanProgress } from './scan-events';
import type { TouchedMap } from './touched-map';

export type JobLane = Lane<ScanJob, ScanJobResult>;

/** The dump a scan runs over: its analysis, its size, and what earlier censuses learned of it. */
export interface ScanTarget {
  readonly analysis: Analysis;
  readonly fileSize: number;
  readonly touched: TouchedMap;
}

export interface ScanContext {
  readonly scanId: ScanId;
  readonly lanes: readonly JobLane[];
  /** Jobs in flight per lane. */
  readonly depth: number;
  readonly sliceSize?: number;
  readonly elapsed: () => number;
  /** Fire and forget: events reach the host in order. */
  readonly send: (event: ScanEvent, transfer?: ArrayBuffer[]) => void;
  /** The last event; the scan's end waits for it to be delivered. */
  readonly finalSend: (event: ScanEvent, transfer?: ArrayBuffer[]) => Promise<void>;
  readonly laneName: (lane: number) => string;
}

export interface RunningScan {
  readonly end: Promise<ScanEnd>;
  readonly cancel: () => void;
  /** Stops the dispatcher and timers (after the end, or with a cancel). */
  readonly close: () => void;
  /** A search paused at its limit: raise the limit and go on. */
  readonly more?: (limit: number) => Promise<ScanEnd>;
}

/** Default in-flight jobs per lane: one slice read under way while the previous one is scanned. */
export const DEFAULT_DEPTH = 2;

/** Bytes and items done, for %, MB/s and time left. Lost items count as done (the bar reaches 100 %). */
export class Progress {
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
    return {
      bytesDone,
      bytesTotal,
      itemsDone,
      itemsTotal,
      elapsedMs: this.ctx.elapsed(),
      workers: this.ctx.lanes.length,
    };
  }
}

/** One line per distinct failure: a dead lane loses several items at once and is one line. */
export function failureList(ctx: ScanContext) {
  const lines = new Set<string>();
  return {
    lost: (lane: number, error: unknown) =>
      lines.add(
        `${lane < 0 ? 'no worker was left' : `${ctx.laneName(lane)} stopped`}: ${error instanceof Error ? error.message : String(error)}`,
      ),
    failed: (message: string) => lines.add(message),
    get list(): string[] {
      return [...lines];
    },
  };
}

export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
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
export function runningScan(
  current: () => { promise: Promise<ScanEnd>; resolve: (end: ScanEnd) => void },
  stop: () => void,
): RunningScan {
  return {
    end: current().promise,
    cancel: () => {
      stop();
      current().resolve({ ok: true, kind: 'cancelled' });
    },
    close: stop,
  };
}

export function itemAt<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new RangeError(`no plan item ${i}`);
  return item;
}

export const byteTotal = (items: readonly { readonly length: number }[]): number =>
  items.reduce((sum, i) => sum + i.length, 0);
