/**
 * One CLI scan worker thread: reads each job's slice with its own handle on the dump, into a reused buffer, and runs
 * the job with the runtime's executor (scanJobBytes) — with Node's memcmp as the census's zero test.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { jobSpan, scanJobBytes, type ScanJobResult } from '../core/run/scan-job';
import { NodeFileSource } from './node-file-source';
import { memcmpNonZeroTest } from './memcmp-zero-test';
import type { ThreadJob, ThreadLaneData, ThreadReply } from './thread-lanes';

const port = parentPort;
if (port === null) throw new Error('scan-thread must run as a worker thread');
const { path } = workerData as ThreadLaneData;
const sourcePromise = NodeFileSource.open(path);

/** Slice buffers, reused: one per job in flight (the runtime keeps two in flight per lane). */
const spare: Uint8Array[] = [];

port.on('message', (message: ThreadJob) => {
  void run(message).then((result) => port.postMessage({ id: message.id, result } satisfies ThreadReply));
});

async function run({ job }: ThreadJob): Promise<ScanJobResult> {
  const { fileOffset, length } = jobSpan(job);
  const buffer = spare.pop() ?? new Uint8Array(0);
  const slice = buffer.length >= length ? buffer : new Uint8Array(length);
  try {
    const source = await sourcePromise;
    const got = await source.readInto(slice.subarray(0, length), fileOffset);
    if (got !== length)
      return { kind: 'failed', message: `short read at file offset ${fileOffset}: wanted ${length} bytes, got ${got}` };
    return scanJobBytes(slice.subarray(0, length), job, memcmpNonZeroTest);
  } catch (e) {
    return {
      kind: 'failed',
      message: `reading ${length} bytes at file offset ${fileOffset} failed: ${e instanceof Error ? e.message : String(e)}`,
    };
  } finally {
    spare.push(slice);
  }
}
