/**
 * The stacks pass in the engine worker that holds a dump's analysis: the files the user gave are read here (Blob
 * slices, never uploaded), the pass streams its events to the page, and its last result stays for the findings
 * and the JSON export ("Download JSON" after the pass equals `coreview --scan --stacks --json` with the same files).
 */
import { BlobSource } from '../src/core/io/byte-source';
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
  dump: Blob,
  given: readonly GivenFile[],
  onEvent: (event: StacksEvent) => unknown,
): Promise<StacksEnd> {
  const record = records.get(id) ?? {};
  records.set(id, record);
  if (record.running) record.running.cancelled = true;
  const running = { cancelled: false };
  record.running = running;
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
    const result = await runStacksPass(analysis, new MemoryReader(new BlobSource(dump), analysis.regions), {
      files,
      demangle: demangler.demangle,
      isCancelled: () => running.cancelled,
      // Each batch is a message and a render in the page: a few a second show the progress well enough.
      batchMs: BATCH_MS,
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

export function forgetStacks(id: DumpId): void {
  const record = records.get(id);
  if (record?.running) record.running.cancelled = true;
  records.delete(id);
}
