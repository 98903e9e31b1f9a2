/**
 * Runs scan jobs in this worker: reads the job's slice of the dump (a Blob slice: only those bytes are read) and
 * hands it to the runtime's executor, scanJobBytes — the function the CLI's worker threads run too. Every pool
 * worker runs jobs: the coordinator for itself, peers for the coordinator over their ports.
 *
 * Counts work in flight for the test build's scan statistics (a cancelled scan must leave every worker idle).
 */
import { BlobSource, type ByteSource } from '../src/core/io/byte-source';
import { jobSpan, scanJobBytes, type ScanJob, type ScanJobResult } from '../src/core/run/scan-job';
import { readExactly } from '../src/core/memory/memory-reader';
import type { DumpId, ScanStats } from './engine-protocol';
import { isReadError } from './read-errors';

/** Files given to this worker for scanning, by dump id (the coordinator's own dump is registered here too). */
const attached = new Map<DumpId, ByteSource>();
let inFlight = 0;
let jobsDone = 0;

export function attachFile(id: DumpId, file: Blob): void {
  attached.set(id, new BlobSource(file));
}

/** Keeps a source other than a File (a dump read over HTTP) for dump `id`'s scan jobs. */
export function attachSource(id: DumpId, source: ByteSource): void {
  attached.set(id, source);
}

export function detachFile(id: DumpId): void {
  attached.delete(id);
}

export function executorStats(scansRunning: number): ScanStats {
  return { inFlight, jobsDone, scansRunning };
}

export async function runJob(id: DumpId, job: ScanJob): Promise<ScanJobResult> {
  const source = attached.get(id);
  if (source === undefined) return { kind: 'failed', message: 'the worker does not hold this dump' };
  const { fileOffset, length } = jobSpan(job);
  inFlight++;
  try {
    return scanJobBytes(await readExactly(source, fileOffset, length), job);
  } catch (e) {
    // An unreadable slice (the file changed, went away or is refused: isReadError) fails this item only; the scan
    // goes on and reports it. Anything else is a bug: logged as well, and reported the same way.
    if (!isReadError(e)) console.error(e);
    return {
      kind: 'failed',
      message: `reading ${length} bytes at file offset ${fileOffset} failed: ${e instanceof Error ? e.message : String(e)}`,
    };
  } finally {
    inFlight--;
    jobsDone++;
  }
}
