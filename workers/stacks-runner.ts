/**
 * The stacks pass in the engine worker that holds a dump's analysis: the files the user gave are read here (Blob
 * slices, never uploaded), the pass streams its events to the page, and its last result stays for the findings
 * and the JSON export ("Download JSON" after the pass equals `coreview --scan --stacks --json` with the same files).
 */
import { BlobSource, checkReadArgs, MAX_READ, type ByteSource } from '../src/core/io/byte-source';
import { sniffFile } from '../src/core/image/sniff';
import { MemoryReader } from '../src/core/memory/memory-reader';
import { computeFindings } from '../src/core/model/findings';
import { ProvidedFiles } from '../src/core/stacks/provided-files';
import { runStacksPass, type StacksResult } from '../src/core/stacks/stacks-pass';
import { syscallsByTid } from '../src/core/stacks/thread-facts';
import type { Analysis, Finding, ProcessEnvironment, Syscall } from '../src/core/types';
import type { CensusExport, DumpId, FileKind, GivenFile, StacksEnd, StacksEvent } from './engine-protocol';
import { loadWorkerDemangler } from './demangler';
import { signOfLife } from './heartbeat';

interface StacksRecord {
  /** The running pass's cancel flag. */
  running?: { cancelled: boolean };
  result?: StacksResult;
  syscalls?: readonly (Syscall | undefined)[];
  environment?: ProcessEnvironment;
}

const records = new Map<DumpId, StacksRecord>();

const HEAD = 4096;
const BATCH_MS = 250;
/**
 * Threads walked at once. Their reads are gathered into one Blob read (BatchedBlobReads): with 64 walks in flight a
 * read of the dump brings in dozens of stack pages, where eight brought in a handful (the pass's time in the page
 * is its reads: each Blob read is a round trip to the browser process, and they do not overlap each other).
 */
const LANES = 64;

export async function sortFiles(files: readonly GivenFile[]): Promise<FileKind[]> {
  return Promise.all(
    files.map(async (f) => {
      try {
        return sniffFile(new Uint8Array(await f.file.slice(0, HEAD).arrayBuffer()), f.name);
      } catch {
        return 'unknown' as const;
      }
    }),
  );
}

export async function startStacks(
  id: DumpId,
  analysis: Analysis,
  dump: Blob | ByteSource,
  given: readonly GivenFile[],
  onEvent: (event: StacksEvent) => unknown,
): Promise<StacksEnd> {
  const record = records.get(id) ?? {};
  records.set(id, record);
  if (record.running) record.running.cancelled = true;
  const running = { cancelled: false };
  record.running = running;
  // A dump that is not a File (read over HTTP) batches its own reads.
  const dumpReads: ByteSource = dump instanceof Blob ? new BatchedBlobReads(dump) : dump;
  try {
    const files = new ProvidedFiles();
    for (const g of given) await files.add(g.name, new BlobSource(g.file));
    const demangler = await loadWorkerDemangler();
    let last: Promise<void> = Promise.resolve();
    const send = (event: StacksEvent) => {
      signOfLife();
      if (running.cancelled) return;
      // Over Comlink the page's callback answers with a promise: the last one is awaited before the end is sent.
      const answer = onEvent(event);
      last = Promise.resolve(answer).then(() => undefined);
    };
    const result = await runStacksPass(analysis, new MemoryReader(dumpReads, analysis.regions), {
      files,
      demangle: demangler.demangle,
      isCancelled: () => running.cancelled,
      // Each batch is a message and a render in the page: a few a second show the progress well enough.
      batchMs: BATCH_MS,
      lanes: LANES,
      onStart: (start) => {
        record.syscalls = start.syscalls;
        if (start.environment) record.environment = start.environment;
        send({ kind: 'start', ...start });
      },
      onBatch: (batch) => send({ kind: 'batch', ...batch }),
    });
    await last;
    if (running.cancelled) return { ok: false, reason: 'cancelled' };
    record.result = result;
    const warnings = demangler.warning === undefined ? result.warnings : [...result.warnings, demangler.warning];
    return {
      ok: true,
      complete: result.complete,
      groups: result.groups,
      modules: result.modules,
      findings: findingsFor(id, analysis),
      warnings,
    };
  } catch (e) {
    console.error(e);
    return { ok: false, reason: 'failed', message: e instanceof Error ? e.message : String(e) };
  } finally {
    if (dumpReads instanceof BatchedBlobReads) dumpReads.close();
    if (record.running === running) delete record.running;
  }
}

/** The findings with what is known now: the stacks pass's result (when done) and the census (when given). */
export function findingsFor(id: DumpId, analysis: Analysis, census?: CensusExport): Finding[] {
  const record = records.get(id);
  const result = record?.result;
  const syscalls = result?.syscalls ?? record?.syscalls;
  const environment = result?.environment ?? record?.environment;
  return computeFindings({
    analysis,
    ...(result ? { stacks: result.stacks, groups: result.groups } : {}),
    ...(syscalls ? { syscalls: syscallsByTid(analysis, syscalls) } : {}),
    ...(environment ? { environment } : {}),
    ...(census?.threadDepth ? { census: { touched: census.touched, threadDepth: census.threadDepth } } : {}),
  });
}

/** What the JSON export adds: the system calls once the pass has started, the frames once it is done. */
export function stacksForExport(id: DumpId): {
  readonly syscalls?: readonly (Syscall | undefined)[];
  readonly result?: StacksResult;
} {
  const record = records.get(id);
  const syscalls = record?.result?.syscalls ?? record?.syscalls;
  return { ...(syscalls ? { syscalls } : {}), ...(record?.result ? { result: record.result } : {}) };
}

/** A read waiting for the next batch: its range of the dump and its promise's settling functions. */
interface PendingRead {
  readonly offset: number;
  readonly end: number;
  readonly resolve: (bytes: Uint8Array) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * The dump for the walk: the reads asked for in one turn of the worker's event loop are read together, as one Blob
 * made of their slices — one round trip to the browser process for all of them. Each read gets a view of its own
 * bytes of the batch's buffer (never reused, so they stay the caller's as the ByteSource contract wants).
 */
class BatchedBlobReads implements ByteSource {
  readonly size: number;
  private readonly blob: Blob;
  private queue: PendingRead[] = [];
  /** A message to itself: the batch is read after every walk in flight has asked for its next bytes. */
  private readonly channel = new MessageChannel();

  constructor(file: Blob) {
    this.size = file.size;
    // Sliced once, as BlobSource does: a File re-checks its file on disk at every slice(), a Blob does not.
    this.blob = file.slice(0, this.size);
    this.channel.port1.onmessage = () => void this.flush();
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    try {
      checkReadArgs(offset, length);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return Promise.resolve(new Uint8Array(0));
    return new Promise((resolve, reject) => {
      if (this.queue.push({ offset, end, resolve, reject }) === 1) this.channel.port2.postMessage(0);
    });
  }

  /** Stops the batches' message port (the pass is over; nothing is queued any more). */
  close(): void {
    this.channel.port1.close();
    this.channel.port2.close();
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    // A batch over the read limit is split: the rest goes out as the next batch.
    let total = 0;
    let cut = 0;
    while (cut < batch.length && total + ((batch[cut]?.end ?? 0) - (batch[cut]?.offset ?? 0)) <= MAX_READ) {
      total += (batch[cut]?.end ?? 0) - (batch[cut]?.offset ?? 0);
      cut++;
    }
    if (cut === 0) cut = 1;
    if (cut < batch.length) {
      this.queue = [...batch.slice(cut), ...this.queue];
      this.channel.port2.postMessage(0);
    }
    const now = batch.slice(0, cut);
    try {
      const bytes = await new Blob(now.map((r) => this.blob.slice(r.offset, r.end))).arrayBuffer();
      let at = 0;
      for (const r of now) {
        const n = Math.min(r.end - r.offset, bytes.byteLength - at);
        r.resolve(new Uint8Array(bytes, at, Math.max(0, n)));
        at += Math.max(0, n);
      }
    } catch (e) {
      for (const r of now) r.reject(e);
    }
  }
}

export function forgetStacks(id: DumpId): void {
  const record = records.get(id);
  if (record?.running) record.running.cancelled = true;
  records.delete(id);
}
