/**
 * The CLI's lanes for the scan runtime: one worker thread each (scan-thread.ts), every one with its own handle on
 * the dump. A lane's run() posts a job and resolves with its result; a thread that errors or exits rejects the
 * jobs it held, which the runtime reports as lost.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { JobLane } from '../core/run/scan-context';
import type { ScanJob, ScanJobResult } from '../core/run/scan-job';
import { defaultPoolSize } from '../core/scan/pool-size';

/** A job to a scan worker thread, and its answer. */
export interface ThreadJob {
  readonly id: number;
  readonly job: ScanJob;
}
export interface ThreadReply {
  readonly id: number;
  readonly result: ScanJobResult;
}
/** workerData of each scan worker: the dump to open. */
export interface ThreadLaneData {
  readonly path: string;
}

export interface ThreadLanes {
  readonly lanes: readonly JobLane[];
  readonly close: () => Promise<void>;
}

/**
 * `count` threads over the dump at `path`; by default defaultPoolSize of the CPUs (the page's rule too):
 * `npm run bench -- --only census` prints the rate per worker count next to a sequential read of the same file.
 */
export function threadLanes(path: string, count: number = defaultPoolSize(availableParallelism())): ThreadLanes {
  const workers = Array.from(
    { length: count },
    () => new Worker(join(__dirname, 'scan-thread.cjs'), { workerData: { path } satisfies ThreadLaneData }),
  );
  let closing = false;
  const lanes = workers.map((worker, k): JobLane => {
    const pending = new Map<number, { resolve: (r: ScanJobResult) => void; reject: (e: Error) => void }>();
    let nextId = 0;
    let dead: Error | undefined;
    const die = (error: Error) => {
      dead ??= error;
      for (const p of pending.values()) p.reject(dead);
      pending.clear();
    };
    worker.on('message', (reply: ThreadReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      p?.resolve(reply.result);
    });
    worker.on('error', (e) => die(e));
    worker.on('exit', (code) => {
      if (!closing) die(new Error(`scan worker thread ${k + 1} exited (code ${code})`));
    });
    return {
      run: (job) => {
        if (dead !== undefined) return Promise.reject(dead);
        const id = nextId++;
        return new Promise<ScanJobResult>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          worker.postMessage({ id, job } satisfies ThreadJob);
        });
      },
    };
  });
  return {
    lanes,
    close: async () => {
      closing = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
