import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT, HEARTBEAT_MS } from './heartbeat';
import { EnginePool, WATCHDOG, WorkerLostError } from './pool';

/** A worker that answers nothing and beats when told to: enough for comlink to post calls to it. */
class FakeWorker extends EventTarget {
  terminated = false;
  readonly posted: unknown[] = [];
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  beat(): void {
    this.dispatchEvent(new MessageEvent('message', { data: HEARTBEAT }));
  }
}

function fakePool(size = 2) {
  const workers: FakeWorker[] = [];
  const lost: [number, string][] = [];
  const pool = new EnginePool(
    size,
    () => {
      const w = new FakeWorker();
      workers.push(w);
      return w as unknown as Worker;
    },
    { onWorkerLost: (slot, message) => lost.push([slot, message]) },
  );
  /** Every live worker beats each second, except those in `silent`, for `ms`. */
  const run = async (ms: number, silent: ReadonlySet<FakeWorker> = new Set()) => {
    for (let t = 0; t < ms; t += HEARTBEAT_MS) {
      for (const w of workers) if (!w.terminated && !silent.has(w)) w.beat();
      await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    }
  };
  return { pool, workers, lost, run };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('EnginePool watchdog', () => {
  it('keeps workers that beat, however long they run', async () => {
    const { pool, workers, lost, run } = fakePool();
    await run(60_000);
    expect(lost).toEqual([]);
    expect(workers).toHaveLength(2);
    pool.dispose();
  });

  /** Lets worker 1 fall silent (worker 0 beats on) and returns how long after its last beat the pool noticed. */
  async function silence(f: ReturnType<typeof fakePool>): Promise<number | undefined> {
    f.workers[1]?.beat();
    const lastSign = Date.now();
    for (let t = 0; t < 20_000; t += 100) {
      f.workers[0]?.beat();
      await vi.advanceTimersByTimeAsync(100);
      if (f.lost.length > 0) return Date.now() - lastSign;
    }
    return undefined;
  }

  it('replaces an idle worker that falls silent within 5 s of its last sign of life', async () => {
    const f = fakePool();
    await f.run(3000);
    const victim = f.workers[1];
    const after = await silence(f);
    expect(after).toBeGreaterThan(WATCHDOG.silenceMs);
    expect(after).toBeLessThanOrEqual(5000);
    expect(f.lost).toHaveLength(1);
    expect(f.lost[0]?.[0]).toBe(1);
    expect(f.lost[0]?.[1]).toMatch(/engine worker 2 stopped answering \(no sign of life for 4\.\d s\)/);
    expect(victim?.terminated).toBe(true);
    expect(f.workers).toHaveLength(3);
    expect(f.pool.generation(1)).toBe(1);
    expect(f.pool.generation(0)).toBe(0);
    // The replacement is judged afresh: it beats and stays.
    await f.run(20_000);
    expect(f.lost).toHaveLength(1);
    f.pool.dispose();
  });

  it('gives a worker running a call longer (one synchronous step), then fails the call', async () => {
    const f = fakePool();
    await f.run(3000);
    const failed = f.pool
      .run(1, (api) => api.release(0))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const after = await silence(f);
    expect(after).toBeGreaterThan(WATCHDOG.busySilenceMs);
    expect(after).toBeLessThanOrEqual(WATCHDOG.busySilenceMs + 1000);
    const error = await failed;
    expect(error).toBeInstanceOf(WorkerLostError);
    expect((error as WorkerLostError).reason).toBe('crashed');
    f.pool.dispose();
  });

  it('does not take an idle worker for a dead one after 3 s without a beat (a starved thread)', async () => {
    const { pool, workers, lost, run } = fakePool(1);
    await run(2000);
    const busy = new Set(workers);
    await run(3000, busy);
    await run(5000);
    expect(lost).toEqual([]);
    pool.dispose();
  });

  it('gives a new worker time to load its code before its first beat', async () => {
    const { pool, lost, run, workers } = fakePool(1);
    await run(WATCHDOG.startMs - 1000, new Set(workers));
    expect(lost).toEqual([]);
    await run(2000, new Set(workers));
    expect(lost).toHaveLength(1);
    pool.dispose();
  });

  it('judges nobody when the page itself was not running (its timer came late)', async () => {
    const { pool, lost, run } = fakePool();
    await run(2000);
    // The page's thread stopped for 30 s (a suspended laptop, a throttled tab): no messages, no timers.
    vi.setSystemTime(Date.now() + 30_000);
    await run(3000);
    expect(lost).toEqual([]);
    pool.dispose();
  });

  it('stops watching when disposed', async () => {
    const { pool, lost, run, workers } = fakePool();
    pool.dispose();
    await run(20_000, new Set(workers));
    expect(lost).toEqual([]);
  });
});
