/**
 * An engine worker: runs the header pass over a File and keeps the Analysis (with its bigints) here, so the page
 * receives only the compact AnalysisView and asks for exports by dump id. See engine-protocol.ts for the API.
 */
import * as Comlink from 'comlink';
import { analyzeCore } from '../src/core/analyze';
import { isDumpError } from '../src/core/errors';
import { regionsCsv } from '../src/core/format/csv';
import { jsonDocumentText } from '../src/core/format/json-document';
import { imageTotalsText, kindTotalsText, regionTableText, threadTableText } from '../src/core/format/maddress-text';
import { BlobSource } from '../src/core/io/byte-source';
import type { Analysis } from '../src/core/model/types';
import { analysisView, regionBuffers } from './analysis-view';
import type { DumpId, EngineApi, ExportRequest, ExportResult, LoadFailure, LoadProgress, LoadResult } from './engine-protocol';
import { fetchGzip } from './fetch-gzip';

interface Loaded {
  readonly analysis: Analysis;
  readonly name: string;
  readonly file: Blob;
}

const loaded = new Map<DumpId, Loaded>();

/** Errors the browser raises when it cannot read a File (moved, deleted, permissions, a directory). */
const READ_ERRORS = new Set(['NotReadableError', 'NotFoundError', 'SecurityError', 'NotAllowedError']);

function failureOf(e: unknown, name: string): LoadFailure {
  if (isDumpError(e)) return { kind: 'dump', code: e.code, message: e.message };
  const errorName = typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined;
  if (typeof errorName === 'string' && READ_ERRORS.has(errorName)) {
    return { kind: 'unreadable', message: `the browser cannot read ${name} (${errorName}): it may have been moved, deleted or be a folder; pick it again` };
  }
  // Not bad input: a bug in the engine. Say so rather than blame the file.
  console.error(e);
  return { kind: 'internal', message: `internal error while reading ${name}: ${e instanceof Error ? e.message : String(e)}` };
}

function pick<T>(items: readonly T[], rows: Uint32Array | undefined): T[] {
  if (rows === undefined) return [...items];
  const out: T[] = [];
  for (const i of rows) {
    const item = items[i];
    if (item !== undefined) out.push(item);
  }
  return out;
}

function exportText(d: Loaded, request: ExportRequest): string {
  const a = d.analysis;
  switch (request.kind) {
    case 'json':
      return jsonDocumentText(a, d.name);
    case 'regions-text':
      return `${regionTableText(pick(a.regions, request.rows), a.dump.bits)}\n`;
    case 'regions-csv':
      return regionsCsv(pick(a.regions, request.rows));
    case 'totals-text':
      return `${kindTotalsText(a.totals)}\n`;
    case 'image-totals-text':
      return `${imageTotalsText(a.imageTotals)}\n`;
    case 'threads-text':
      return `${threadTableText(pick(a.threads, request.rows))}\n`;
  }
}

const api: EngineApi = {
  async load(id, file, name, onProgress): Promise<LoadResult> {
    const started = performance.now();
    const report = (step: string, bytes: number) => onProgress?.({ phase: 'analyze', step, bytes, totalBytes: file.size, elapsedMs: performance.now() - started } satisfies LoadProgress);
    let analysis: Analysis;
    try {
      analysis = await analyzeCore(new BlobSource(file), { onProgress: report });
    } catch (e) {
      return { ok: false, failure: failureOf(e, name) };
    }
    loaded.set(id, { analysis, name, file });
    const view = analysisView(id, name, analysis, performance.now() - started);
    return Comlink.transfer({ ok: true, view }, regionBuffers(view.regions));
  },

  release(id) {
    loaded.delete(id);
  },

  fetchGzip(url, name, onProgress) {
    return fetchGzip(url, name, onProgress);
  },

  async exportText(id, request): Promise<ExportResult> {
    const d = loaded.get(id);
    if (d === undefined) return { ok: false, reason: 'not-loaded' };
    return { ok: true, text: exportText(d, request) };
  },

  crashForTest() {
    setTimeout(() => {
      throw new Error('coreview: worker crash requested by a test');
    });
  },
};

Comlink.expose(api);
