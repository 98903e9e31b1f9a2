import { parentPort, workerData } from 'node:worker_threads';
import { NodeFileSource } from '../core/io/node-file-source';
import { censusChunk } from '../core/scan/census';
import { osCluesInChunk } from '../core/scan/identify-os';
import { readExactly } from '../core/scan/scan-common';
import { searchChunk } from '../core/scan/search';
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

async function handle(job: ScanJob): Promise<ScanReply> {
  try {
    const source = await sourcePromise;
    const bytes = await readExactly(source, job.item.fileOffset, job.item.length);
    if (job.kind === 'census') return { kind: 'census', id: job.id, partial: censusChunk(bytes, job.item), clues: osCluesInChunk(bytes, job.item) };
    return { kind: 'search', id: job.id, hits: searchChunk(bytes, job.pattern, job.item, job.limit) };
  } catch (e) {
    return { kind: 'error', id: job.id, message: e instanceof Error ? e.message : String(e) };
  }
}
