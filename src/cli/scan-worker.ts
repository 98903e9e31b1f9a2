import { parentPort, workerData } from 'node:worker_threads';
import { NodeFileSource } from '../core/io/node-file-source';
import { censusChunkWithRanges } from '../core/scan/census';
import { osCluesInChunk } from '../core/scan/identify-os';
import { searchChunk } from '../core/scan/search';
import { memcmpNonZeroTest } from './memcmp-zero-test';
import type { ScanJob, ScanReply, ScanWorkerData } from './scan-protocol';

/**
 * One CLI scan worker: reads its items' slices with its own file handle and runs the same pure scan functions the
 * browser's workers run.
 */
const port = parentPort;
if (port === null) throw new Error('scan-worker must run as a worker thread');
const { path } = workerData as ScanWorkerData;
const sourcePromise = NodeFileSource.open(path);

port.on('message', (job: ScanJob) => {
  void handle(job).then((reply) => port.postMessage(reply));
});

/** Slice buffers, reused: one per job in flight (the pool keeps two in flight per worker). */
const spare: Uint8Array[] = [];

async function handle(job: ScanJob): Promise<ScanReply> {
  const buffer = spare.pop() ?? new Uint8Array(0);
  const slice = buffer.length >= job.item.length ? buffer : new Uint8Array(job.item.length);
  try {
    const source = await sourcePromise;
    const got = await source.readInto(slice.subarray(0, job.item.length), job.item.fileOffset);
    if (got !== job.item.length) throw new Error(`short read at ${job.item.fileOffset}: wanted ${job.item.length} bytes, got ${got}`);
    const bytes = slice.subarray(0, got);
    if (job.kind === 'census') {
      const { partial, touched } = censusChunkWithRanges(bytes, job.item, memcmpNonZeroTest);
      return { kind: 'census', id: job.id, partial, clues: osCluesInChunk(bytes, job.item, touched) };
    }
    // Hits carry copies of their context bytes, so the buffer can be reused once this returns.
    return { kind: 'search', id: job.id, hits: searchChunk(bytes, job.pattern, job.item, job.limit) };
  } catch (e) {
    return { kind: 'error', id: job.id, message: e instanceof Error ? e.message : String(e) };
  } finally {
    spare.push(slice);
  }
}
