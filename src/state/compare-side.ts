/**
 * The second side of a comparison, read to its JSON document and let go: a dump is loaded in a pool worker under a
 * DumpId of its own range (EngineSession's count up from 1 and never reach it), walked by the stacks pass
 * (the stack groups are what a comparison most needs), exported as JSON and released, so it holds no worker memory
 * afterwards. A saved report already is that document: it is read and checked here.
 */
import * as Comlink from 'comlink';
import type {
  DumpId,
  ExportResult,
  GivenFile,
  LoadResult,
  StacksEnd,
  StacksEvent,
} from '../../workers/engine-protocol';
import { WorkerLostError, type EnginePool } from '../../workers/pool';
import type { ReportDocument } from '../core/format/report-document';
import { parseReport } from '../core/format/report-parse';

/** Far above any id EngineSession hands out (one per dump opened: a page would need a billion). */
export const COMPARE_ID_BASE = 1_000_000_000;
let nextId = COMPARE_ID_BASE;

export type CompareSideResult =
  { readonly ok: true; readonly report: ReportDocument } | { readonly ok: false; readonly message: string };

/** Where the side's reading is, for the progress line. */
export type CompareStep = (text: string) => void;

/** A report is JSON: the first byte that is not white space is `{` (a core starts with ELF's magic). */
async function isReport(file: Blob): Promise<boolean> {
  const head = await file.slice(0, 64).text();
  return head.trimStart().startsWith('{');
}

export async function readCompareSide(
  pool: EnginePool,
  file: File,
  given: readonly GivenFile[],
  avoidSlot: number | undefined,
  onStep: CompareStep,
): Promise<CompareSideResult> {
  try {
    if (await isReport(file)) {
      onStep(`reading the report ${file.name}`);
      const parsed = parseReport(await file.text());
      return parsed.ok ? parsed : { ok: false, message: `${file.name}: ${parsed.message}` };
    }
    return await dumpSide(pool, file, given, avoidSlot, onStep);
  } catch (e) {
    if (e instanceof WorkerLostError) return { ok: false, message: `${e.message}; pick ${file.name} again` };
    if (e instanceof DOMException)
      return { ok: false, message: `the browser cannot read ${file.name} (${e.name}): pick it again` };
    throw e;
  }
}

async function dumpSide(
  pool: EnginePool,
  file: File,
  given: readonly GivenFile[],
  avoidSlot: number | undefined,
  onStep: CompareStep,
): Promise<CompareSideResult> {
  const id: DumpId = nextId++;
  const slot = pool.pickSlot(avoidSlot);
  const generation = pool.generation(slot);
  onStep(`reading ${file.name}`);
  const loaded = await pool.run<LoadResult>(slot, (api) => api.load(id, file, file.name));
  if (!loaded.ok) return { ok: false, message: `${file.name}: ${loaded.failure.message}` };
  try {
    onStep(`walking the stacks of ${file.name}`);
    const progress = (event: StacksEvent) => {
      if (event.kind === 'batch') onStep(`walking the stacks of ${file.name}: ${event.done} of ${event.total} threads`);
    };
    const end = await pool.run<StacksEnd>(slot, (api) => api.startStacks(id, given, Comlink.proxy(progress)));
    // A pass that failed leaves the document without stack groups: the rest still compares (the view says so).
    if (!end.ok && end.reason === 'not-loaded')
      return { ok: false, message: `${file.name} was unloaded; pick it again` };
    const exported = await pool.run<ExportResult>(slot, (api) => api.exportText(id, { kind: 'json' }));
    if (!exported.ok) return { ok: false, message: `${file.name} was unloaded; pick it again` };
    const parsed = parseReport(exported.text);
    return parsed.ok ? parsed : { ok: false, message: `${file.name}: its JSON does not read back: ${parsed.message}` };
  } finally {
    if (pool.generation(slot) === generation) {
      void pool.run(slot, (api) => api.release(id)).catch(() => undefined);
    }
  }
}
