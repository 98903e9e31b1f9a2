/**
 * A fixed pool of engine workers. Each slot holds one worker; a worker that raises an uncaught error (or whose
 * messages cannot be decoded) is reported, terminated and replaced in its slot, and every call still waiting on it
 * rejects with WorkerLostError — comlink alone would leave those promises pending forever. A worker killed from
 * outside gets no error event: the watchdog replaces one that has sent no message (its heartbeat, heartbeat.ts, or
 * anything else) for `silenceMs`.
 *
 * `generation` counts replacements per slot: whatever a worker held (a loaded dump) is gone when the generation of
 * its slot has moved on, which is how the session knows to load the dump again.
 */
import * as Comlink from 'comlink';
import type { EngineApi } from './engine-protocol';
import { BUSY_SILENCE_MS, SILENCE_MS } from './heartbeat';

export class WorkerLostError extends Error {
  constructor(
    readonly slot: number,
    readonly reason: 'crashed' | 'recycled',
    detail: string,
  ) {
    super(detail);
    this.name = 'WorkerLostError';
  }
}

export interface PoolEvents {
  /** A worker died on its own (not recycled by the page); it has already been replaced. */
  readonly onWorkerLost?: (slot: number, message: string) => void;
}

/** How the watchdog judges silence (ms). Tests shorten nothing: they run it on fake timers. */
export interface WatchdogTiming {
  /** A worker that has shown life is lost after this long without a message. */
  readonly silenceMs: number;
  /** … or this long while a call of the page's runs on it (one synchronous step can outlast silenceMs: heartbeat.ts). */
  readonly busySilenceMs: number;
  /** A new worker has this long to send its first message (it loads its code first). */
  readonly startMs: number;
  /** How often the watchdog looks. */
  readonly checkMs: number;
}

export const WATCHDOG: WatchdogTiming = {
  silenceMs: SILENCE_MS,
  busySilenceMs: BUSY_SILENCE_MS,
  startMs: 15_000,
  checkMs: 500,
};

interface Slot {
  worker: Worker;
  /** Date.now() of its last message (or of its start, until it sends one). */
  lastSign: number;
  /** Page time since then (see check). */
  quiet: number;
  started: boolean;
  api: Comlink.Remote<EngineApi>;
  generation: number;
  /** Rejects the calls in flight on this worker. */
  fail: Set<(e: WorkerLostError) => void>;
  busy: number;
}

export type WorkerFactory = () => Worker;

export class EnginePool {
  private readonly slots: Slot[] = [];
  private readonly lostListeners = new Set<(slot: number, message: string) => void>();
  private disposed = false;
  private readonly watchdog: ReturnType<typeof setInterval>;
  private lastCheck = Date.now();

  constructor(
    size: number,
    private readonly createWorker: WorkerFactory,
    private readonly events: PoolEvents = {},
    private readonly timing: WatchdogTiming = WATCHDOG,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size ${size}`);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(i, 0));
    this.watchdog = setInterval(() => this.check(), timing.checkMs);
  }

  get size(): number {
    return this.slots.length;
  }

  generation(slot: number): number {
    return this.slotAt(slot).generation;
  }

  /** The least busy slot, preferring any other than `avoid` (the slot holding the dump on screen). */
  pickSlot(avoid?: number): number {
    let best = -1;
    this.slots.forEach((s, i) => {
      if (i === avoid && this.slots.length > 1) return;
      if (best < 0 || s.busy < (this.slots[best]?.busy ?? Infinity)) best = i;
    });
    return Math.max(best, 0);
  }

  /** Runs `call` on the slot's current worker; rejects with WorkerLostError if that worker goes away meanwhile. */
  async run<T>(slot: number, call: (api: Comlink.Remote<EngineApi>) => Promise<T>): Promise<T> {
    const s = this.slotAt(slot);
    let fail: ((e: WorkerLostError) => void) | undefined;
    const lost = new Promise<never>((_, reject) => {
      fail = reject;
    });
    if (fail === undefined) throw new Error('unreachable: Promise executors run synchronously');
    const failHere = fail;
    s.fail.add(failHere);
    s.busy++;
    try {
      return await Promise.race([call(s.api), lost]);
    } finally {
      s.busy--;
      s.fail.delete(failHere);
    }
  }

  /** Terminates the slot's worker and starts a fresh one: how a load is cancelled mid-flight. */
  recycle(slot: number, reason: 'crashed' | 'recycled' = 'recycled', message = 'the worker was stopped'): void {
    const old = this.slotAt(slot);
    old.worker.terminate();
    const error = new WorkerLostError(slot, reason, message);
    for (const reject of old.fail) reject(error);
    old.fail.clear();
    if (!this.disposed) this.slots[slot] = this.spawn(slot, old.generation + 1);
  }

  /** Also told when a worker dies on its own (after it was replaced): a running scan must drop its peer. */
  onWorkerLost(listener: (slot: number, message: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.watchdog);
    for (const s of this.slots) {
      s.worker.terminate();
      const error = new WorkerLostError(0, 'recycled', 'the pool was closed');
      for (const reject of s.fail) reject(error);
    }
  }

  private spawn(index: number, generation: number): Slot {
    const worker = this.createWorker();
    const slot: Slot = {
      worker,
      lastSign: Date.now(),
      quiet: 0,
      started: false,
      api: Comlink.wrap<EngineApi>(worker),
      generation,
      fail: new Set(),
      busy: 0,
    };
    worker.addEventListener('message', () => {
      slot.lastSign = Date.now();
      slot.quiet = 0;
      slot.started = true;
    });
    worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      this.lose(index, slot, `engine worker ${index + 1} stopped: ${e.message || 'it failed to start or crashed'}`);
    });
    worker.addEventListener('messageerror', () =>
      this.lose(index, slot, `engine worker ${index + 1} sent a message that could not be read`),
    );
    return slot;
  }

  /** Replaces a worker that died on its own and tells whoever listens. */
  private lose(index: number, slot: Slot, message: string): void {
    // Only the worker currently in the slot counts: a late event from a replaced one is noise.
    if (this.slots[index] !== slot || this.disposed) return;
    this.recycle(index, 'crashed', message);
    this.events.onWorkerLost?.(index, message);
    for (const listener of this.lostListeners) listener(index, message);
  }

  /**
   * The watchdog: a worker silent for too long is gone (killed without an error event, or hung). Silence is counted
   * in the page's own time, at most `checkMs` per look: when the page itself did not run (a long task, a starved
   * CPU, a throttled background tab, a suspended machine), it could not have received the workers' messages either,
   * so their silence says nothing yet.
   */
  private check(): void {
    const now = Date.now();
    const step = Math.min(Math.max(0, now - this.lastCheck), this.timing.checkMs);
    this.lastCheck = now;
    this.slots.forEach((s, i) => {
      s.quiet += step;
      if (
        s.quiet <= (!s.started ? this.timing.startMs : s.busy > 0 ? this.timing.busySilenceMs : this.timing.silenceMs)
      )
        return;
      const seconds = ((now - s.lastSign) / 1000).toFixed(1);
      this.lose(
        i,
        s,
        `engine worker ${i + 1} stopped answering (no sign of life for ${seconds} s): the browser may have ended it, e.g. to reclaim memory`,
      );
    });
  }

  private slotAt(slot: number): Slot {
    const s = this.slots[slot];
    if (s === undefined) throw new RangeError(`no pool slot ${slot}`);
    return s;
  }
}
