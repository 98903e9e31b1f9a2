/**
 * A fixed pool of engine workers. Each slot holds one worker; a worker that raises an uncaught error (or whose
 * messages cannot be decoded) is reported, terminated and replaced in its slot, and every call still waiting on it
 * rejects with WorkerLostError — comlink alone would leave those promises pending forever.
 *
 * `generation` counts replacements per slot: whatever a worker held (a loaded dump) is gone when the generation of
 * its slot has moved on, which is how the session knows to load the dump again.
 */
import * as Comlink from 'comlink';
import type { EngineApi } from './engine-protocol';

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

interface Slot {
  worker: Worker;
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

  constructor(
    size: number,
    private readonly createWorker: WorkerFactory,
    private readonly events: PoolEvents = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size ${size}`);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(i, 0));
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
    for (const s of this.slots) {
      s.worker.terminate();
      const error = new WorkerLostError(0, 'recycled', 'the pool was closed');
      for (const reject of s.fail) reject(error);
    }
  }

  private spawn(index: number, generation: number): Slot {
    const worker = this.createWorker();
    const slot: Slot = { worker, api: Comlink.wrap<EngineApi>(worker), generation, fail: new Set(), busy: 0 };
    const died = (message: string) => {
      // Only the worker currently in the slot counts: a late event from a replaced one is noise.
      if (this.slots[index] !== slot || this.disposed) return;
      this.recycle(index, 'crashed', message);
      this.events.onWorkerLost?.(index, message);
      for (const listener of this.lostListeners) listener(index, message);
    };
    worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      died(`engine worker ${index + 1} stopped: ${e.message || 'it failed to start or crashed'}`);
    });
    worker.addEventListener('messageerror', () => died(`engine worker ${index + 1} sent a message that could not be read`));
    return slot;
  }

  private slotAt(slot: number): Slot {
    const s = this.slots[slot];
    if (s === undefined) throw new RangeError(`no pool slot ${slot}`);
    return s;
  }
}
