import { describe, expect, it } from 'vitest';
import { Dispatcher, type Lane } from '../../src/core/run/dispatcher';

/** A lane whose jobs finish when the test says so. */
function manualLane() {
  const pending: { job: number; resolve: (r: number) => void; reject: (e: Error) => void }[] = [];
  const lane: Lane<number, number> = {
    run: (job) => new Promise((resolve, reject) => pending.push({ job, resolve, reject })),
  };
  return { lane, pending };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function events() {
  const results: [number, number][] = [];
  const lost: [number, number][] = [];
  let idle = 0;
  return {
    results,
    lost,
    get idle() {
      return idle;
    },
    handlers: {
      onResult: (id: number, r: number) => results.push([id, r]),
      onLost: (id: number, lane: number) => lost.push([id, lane]),
      onIdle: () => idle++,
    },
  };
}

describe('Dispatcher', () => {
  it('keeps `depth` jobs in flight per lane, spread round-robin, and reports every result then idle once', async () => {
    const a = manualLane();
    const b = manualLane();
    const ev = events();
    const d = new Dispatcher([a.lane, b.lane], (id) => id * 10, 2, ev.handlers);
    d.enqueue([0, 1, 2, 3, 4, 5, 6]);
    expect(a.pending.map((p) => p.job)).toEqual([0, 20]);
    expect(b.pending.map((p) => p.job)).toEqual([10, 30]);
    expect(d.inFlight).toBe(4);
    expect(d.queued).toBe(3);
    // Lane b finishes first: it gets the next job, lane a keeps its two.
    b.pending.shift()?.resolve(1);
    await tick();
    expect(b.pending.map((p) => p.job)).toEqual([30, 40]);
    while (a.pending.length + b.pending.length > 0) {
      for (const p of [...a.pending.splice(0), ...b.pending.splice(0)]) p.resolve(p.job + 1);
      await tick();
    }
    expect(ev.results.map(([id]) => id).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(ev.results.every(([id, r]) => r === id * 10 + 1 || (id === 1 && r === 1))).toBe(true);
    expect(ev.idle).toBe(1);
  });

  it('a lane that fails loses the jobs it held (reported, not retried); the others finish the rest', async () => {
    const a = manualLane();
    const b = manualLane();
    const ev = events();
    const d = new Dispatcher([a.lane, b.lane], (id) => id, 2, ev.handlers);
    d.enqueue([0, 1, 2, 3, 4, 5]);
    a.pending[0]?.reject(new Error('worker died'));
    await tick();
    expect(ev.lost.sort()).toEqual([
      [0, 0],
      [2, 0],
    ]);
    expect(d.liveLanes).toBe(1);
    // A late answer from the dead lane is not a result.
    a.pending[1]?.resolve(99);
    while (b.pending.length > 0) {
      for (const p of b.pending.splice(0)) p.resolve(p.job);
      await tick();
    }
    expect(ev.results.map(([id]) => id).sort()).toEqual([1, 3, 4, 5]);
    expect(ev.idle).toBe(1);
  });

  it('with no lane left, the queued jobs are reported lost and the run ends', () => {
    const a = manualLane();
    const ev = events();
    const d = new Dispatcher([a.lane], (id) => id, 1, ev.handlers);
    d.enqueue([0, 1, 2]);
    d.loseLane(0, new Error('gone'));
    expect(ev.lost).toEqual([
      [0, 0],
      [1, -1],
      [2, -1],
    ]);
    expect(ev.idle).toBe(1);
  });

  it('after stop() nothing is handed out or reported; pause() holds the queue until resume()', async () => {
    const a = manualLane();
    const ev = events();
    const d = new Dispatcher([a.lane], (id) => id, 1, ev.handlers);
    d.pause();
    d.enqueue([0, 1]);
    expect(a.pending).toHaveLength(0);
    d.resume();
    expect(a.pending.map((p) => p.job)).toEqual([0]);
    d.enqueueFirst(7);
    a.pending.shift()?.resolve(0);
    await tick();
    expect(a.pending.map((p) => p.job)).toEqual([7]);
    d.stop();
    a.pending.shift()?.resolve(7);
    await tick();
    expect(ev.results).toEqual([[0, 0]]);
    expect(a.pending).toHaveLength(0);
    expect(ev.idle).toBe(0);
  });

  it('an empty plan is idle at once', () => {
    const ev = events();
    new Dispatcher([manualLane().lane], (id) => id, 2, ev.handlers).enqueue([]);
    expect(ev.idle).toBe(1);
  });
});
