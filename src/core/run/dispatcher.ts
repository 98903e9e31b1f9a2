/**
 * Hands scan jobs out to workers ("lanes"): at most `depth` jobs in flight per lane, so each worker has its next
 * slice's read under way while it scans the previous one. 2 is the least depth that overlaps a read with a scan;
 * each job more holds one more slice in memory (`node scripts/bench-browser.mjs <core> --census --depth N`
 * compares depths). Pure scheduling: each host gives it lanes — the page's coordinator posts a job to a peer
 * worker or runs it in place, the CLI posts it to a worker thread — and tests give it fakes.
 *
 * Jobs are numbers (ids into the caller's plan), so a plan of 100k items costs a queue of 100k numbers.
 * A lane whose run() rejects is lost (its worker died, its port closed): it gets no more work, and each job it held
 * goes to onLost — never retried here; the caller decides (the census reports the region missing).
 */
export interface Lane<J, R> {
  run(job: J): Promise<R>;
}

export interface DispatchEvents<R> {
  readonly onResult: (jobId: number, result: R) => void;
  /** `lane` is -1 for jobs left in the queue when no lane is alive to take them. */
  readonly onLost: (jobId: number, lane: number, error: unknown) => void;
  /** Nothing queued and nothing in flight. Not called after stop(); called again if more work is enqueued. */
  readonly onIdle: () => void;
}

export class Dispatcher<J, R> {
  private queue: number[] = [];
  private head = 0;
  private readonly held: Set<number>[];
  private readonly alive: boolean[];
  private paused = false;
  private stopped = false;

  constructor(
    private readonly lanes: readonly Lane<J, R>[],
    private readonly jobAt: (jobId: number) => J,
    private readonly depth: number,
    private readonly events: DispatchEvents<R>,
  ) {
    if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`in-flight depth ${depth}`);
    this.held = lanes.map(() => new Set<number>());
    this.alive = lanes.map(() => true);
  }

  /** Jobs in flight, over all lanes. */
  get inFlight(): number {
    return this.held.reduce((n, s) => n + s.size, 0);
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  get liveLanes(): number {
    return this.alive.filter(Boolean).length;
  }

  enqueue(jobIds: Iterable<number>): void {
    for (const id of jobIds) this.queue.push(id);
    this.pump();
  }

  /** Ahead of everything queued: a job whose result is needed before the others' (a search re-run). */
  enqueueFirst(jobId: number): void {
    if (this.head > 0) this.queue[--this.head] = jobId;
    else this.queue.unshift(jobId);
    this.pump();
  }

  /** No new jobs are handed out; those in flight still report. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /** For good: nothing more is handed out or reported (in-flight jobs finish in their workers, unheard). */
  stop(): void {
    this.stopped = true;
    this.queue = [];
    this.head = 0;
    for (const s of this.held) s.clear();
  }

  /** The lane's worker is gone: its jobs in flight are lost. */
  loseLane(lane: number, error: unknown): void {
    if (this.stopped || this.alive[lane] !== true) return;
    this.alive[lane] = false;
    const jobs = [...(this.held[lane] ?? [])];
    this.held[lane]?.clear();
    for (const id of jobs) this.events.onLost(id, lane, error);
    this.pump();
  }

  private pump(): void {
    if (this.stopped) return;
    if (!this.paused) {
      // Round-robin one job at a time, so a short plan is spread over every lane rather than piled on the first.
      let gave = true;
      while (gave && this.head < this.queue.length) {
        gave = false;
        for (let lane = 0; lane < this.lanes.length && this.head < this.queue.length; lane++) {
          if (this.alive[lane] !== true || (this.held[lane]?.size ?? 0) >= this.depth) continue;
          const id = this.queue[this.head++];
          if (id === undefined) break;
          this.dispatch(lane, id);
          gave = true;
        }
      }
    }
    if (this.head >= this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    this.checkIdle();
  }

  private dispatch(lane: number, id: number): void {
    const held = this.held[lane];
    const runner = this.lanes[lane];
    if (held === undefined || runner === undefined) throw new RangeError(`no lane ${lane}`);
    held.add(id);
    runner.run(this.jobAt(id)).then(
      (result) => {
        // Dropped: stopped meanwhile, or the job was already reported lost with its lane.
        if (this.stopped || !held.delete(id)) return;
        this.events.onResult(id, result);
        this.pump();
      },
      (error: unknown) => this.loseLane(lane, error),
    );
  }

  private checkIdle(): void {
    if (this.stopped || this.inFlight > 0) return;
    if (this.queued > 0 && this.liveLanes === 0) {
      const left = this.queue.slice(this.head);
      this.queue = [];
      this.head = 0;
      for (const id of left) this.events.onLost(id, -1, new Error('no worker left to run it'));
    }
    if (this.queued === 0) this.events.onIdle();
  }
}
