import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { defaultPoolSize } from '../core/scan/pool-size';
import type { ScanJob, ScanReply, ScanWorkerData } from './scan-protocol';

type JobInput = ScanJob extends infer J ? (J extends ScanJob ? Omit<J, 'id'> : never) : never;

/**
 * Twice the CPU count, 2..4 (defaultPoolSize, the page's rule too): a worker waits on its read about as long as it
 * scans, so two per core keep the cores busy. `npm run bench -- --only census` prints the rate per worker count
 * (rows `coreview --scan --workers 1` to `4`), each next to a sequential read of the same file.
 */
function defaultWorkers(): number {
  return defaultPoolSize(availableParallelism());
}

export interface PoolOptions {
  readonly path: string;
  readonly workers?: number;
  /** Jobs in flight per worker: two keeps each worker's disk queue busy while its previous slice is scanned. */
  readonly depth?: number;
}

/**
 * Runs scan jobs over worker threads and hands replies back IN JOB ORDER (search hits stay in address order, and
 * a limit can stop the run at the right place). `onReply` returns false to stop early.
 */
export async function runScanJobs(jobs: readonly JobInput[], options: PoolOptions, onReply: (reply: ScanReply) => boolean): Promise<void> {
  if (jobs.length === 0) return;
  const count = Math.max(1, Math.min(options.workers ?? defaultWorkers(), jobs.length));
  const depth = options.depth ?? 2;
  const workerData: ScanWorkerData = { path: options.path };
  const workers = Array.from({ length: count }, () => new Worker(join(__dirname, 'scan-worker.cjs'), { workerData }));
  const done = new Map<number, ScanReply>();
  let next = 0;
  let delivered = 0;
  let stopped = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker) => {
        if (stopped || next >= jobs.length) return;
        const id = next++;
        w.postMessage({ ...jobs[id], id } as ScanJob);
      };
      for (const w of workers) {
        w.on('error', reject);
        w.on('exit', (code) => {
          if (!stopped && delivered < jobs.length) reject(new Error(`a scan worker exited (code ${code}) before the scan finished`));
        });
        w.on('message', (reply: ScanReply) => {
          if (reply.kind === 'error') {
            reject(new Error(reply.message));
            return;
          }
          done.set(reply.id, reply);
          for (let r = done.get(delivered); r !== undefined; r = done.get(delivered)) {
            done.delete(delivered);
            delivered++;
            if (!stopped && !onReply(r)) stopped = true;
          }
          if (stopped || delivered === jobs.length) {
            stopped = true;
            resolve();
            return;
          }
          feed(w);
        });
        for (let d = 0; d < depth; d++) feed(w);
      }
    });
  } finally {
    stopped = true;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
