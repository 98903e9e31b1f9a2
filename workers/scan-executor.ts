/**
 * Runs one scan job in this worker: reads the item's slice of the dump (a Blob slice: only those bytes are read)
 * and applies the engine's pure function to it — the same functions the CLI's worker threads run. Every pool
 * worker runs jobs: the coordinator for itself, peers for the coordinator over their ports.
 *
 * Counts work in flight for the `scanStats` hook (tests check that a cancelled scan leaves every worker idle).
 */
import { BlobSource, type ByteSource } from '../src/core/io/byte-source';
import { censusChunkWithRanges } from '../src/core/scan/census';
import { osCluesInChunk } from '../src/core/scan/identify-os';
import { readExactly } from '../src/core/scan/scan-common';
import { searchChunk } from '../src/core/scan/search';
import type { DumpId, ScanJob, ScanJobResult, ScanStats } from './engine-protocol';
import { isReadError } from './read-errors';

/** Files given to this worker for scanning, by dump id (the coordinator's own dump is registered here too). */
const attached = new Map<DumpId, ByteSource>();
let inFlight = 0;
let jobsDone = 0;

export function attachFile(id: DumpId, file: Blob): void {
  attached.set(id, new BlobSource(file));
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
  const { fileOffset, length } = job.kind === 'read' ? job : job.item;
  inFlight++;
  try {
    const bytes = await readExactly(source, fileOffset, length);
    switch (job.kind) {
      case 'census': {
        // As the CLI's worker does it: the clue pass looks only at the touched pages the census found.
        const { partial, touched } = censusChunkWithRanges(bytes, job.item);
        return { kind: 'census', partial, clues: osCluesInChunk(bytes, job.item, touched) };
      }
      case 'search':
        return { kind: 'search', hits: searchChunk(bytes, job.pattern, job.item, job.limit) };
      case 'read':
        return { kind: 'read', bytes: bytes.length };
    }
  } catch (e) {
    // An unreadable slice (the file changed, went away or is refused: isReadError) fails this item only; the scan
    // goes on and reports it. Anything else is a bug: logged as well, and reported the same way.
    if (!isReadError(e)) console.error(e);
    return { kind: 'failed', message: `reading ${length} bytes at file offset ${fileOffset} failed: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    inFlight--;
    jobsDone++;
  }
}
