/**
 * An engine worker: runs the header pass over a File and keeps the Analysis (with its bigints) here, so the page
 * receives only the compact AnalysisView and asks for exports by dump id. Every worker also runs scan jobs over
 * files it holds; the one holding a dump's analysis coordinates its scans (scan-coordinator.ts) and serves its hex
 * view (memory-view.ts). See engine-protocol.ts for the API.
 */
import * as Comlink from 'comlink';
import { analyzeCore } from '../src/core/analyze';
import { isDumpError } from '../src/core/errors';
import { toJsonDocument, type CensusForDocument } from '../src/core/format/json-document';
import { BlobSource, type ByteSource } from '../src/core/io/byte-source';
import { settleAfterCensus } from '../src/core/model/after-census';
import type { Analysis } from '../src/core/types';
import { analysisView, osIdentification, regionBuffers } from './analysis-view';
import type {
  CensusExport,
  DumpId,
  DumpIdentity,
  EngineApi,
  ExportRequest,
  ExportResult,
  LoadFailure,
  LoadProgress,
  LoadResult,
  MemoryResult,
  RegistersResult,
  ScanEnd,
  StacksEnd,
  UrlLoadResult,
} from './engine-protocol';
import { engineTestMethods } from './engine-test-methods';
import { fetchGzip } from './fetch-gzip';
import { beat, HEARTBEAT_MS, signOfLife } from './heartbeat';
import { memoryAccess, readForView, type MemoryAccess } from './memory-view';
import { errorName, isReadError } from './read-errors';
import { cancelScan, peerLost, searchMore, startScan } from './scan-coordinator';
import { attachFile, attachSource, detachFile, runJob } from './scan-executor';
import {
  fetchedOverHttp,
  forgetUrlSource,
  keepUrlSource,
  openUrl,
  urlFailure,
  urlSource,
  withWarning,
  type UrlOpening,
} from './url-load';
import { loadWorkerDemangler } from './demangler';
import { decodedCompression, decodeForLoad, forgetDecoded, identifyDump, type Decoded } from './decode-dump';
import type { Compression } from '../src/core/compression/sniff-compression';
import { findingsFor, forgetStacks, sortFiles, stacksForExport, startStacks } from './stacks-runner';
import { forgetReport, loadReport, looksLikeReport, reportExport, reportFor, reportRegisters } from './report-view';
import { findingsFromReport } from '../src/core/format/report-objects';

interface Loaded {
  readonly analysis: Analysis;
  readonly name: string;
  /** A dump opened by URL and read with Range requests is a ByteSource (HttpRangeSource) rather than a File. */
  readonly file: Blob | ByteSource;
  /** Set when `file` is the decoded copy of a compressed dump (an OPFS temp, removed with the dump). */
  readonly compression?: Compression;
  /** Created on the first hex-view read. */
  memory?: MemoryAccess;
}

const loaded = new Map<DumpId, Loaded>();

function failureOf(e: unknown, name: string): LoadFailure {
  if (isDumpError(e)) return { kind: 'dump', code: e.code, message: e.message };
  if (isReadError(e)) {
    return {
      kind: 'unreadable',
      message: `the browser cannot read ${name} (${errorName(e)}): it may have been moved, deleted or be a folder; pick it again`,
    };
  }
  // Not bad input: a bug in the engine. Say so rather than blame the file.
  console.error(e);
  return {
    kind: 'internal',
    message: `internal error while reading ${name}: ${e instanceof Error ? e.message : String(e)}`,
  };
}

/** The census as the JSON document takes it: touched bytes per region index, undefined where not in. */
function censusForDocument(c: CensusExport): CensusForDocument {
  const os = osIdentification(c.os);
  const regionTouched = Array.from(c.touched, (v) => (Number.isNaN(v) ? undefined : v));
  return {
    regionTouched,
    complete: c.complete,
    ...(c.threadDepth !== undefined ? { threadDepth: c.threadDepth } : {}),
    ...(os !== undefined ? { os } : {}),
    ...(c.runtime !== undefined ? { runtime: c.runtime } : {}),
  };
}

/**
 * The analysis as a complete census settles it (gcore's no-access memory), as `coreview --scan` does; idempotent,
 * so the coordinator may have applied it already.
 */
function settledFor(d: Loaded, census: CensusExport | undefined): Analysis {
  return census?.complete ? settleAfterCensus(d.analysis, census.touched) : d.analysis;
}

/** Every export is the JSON document printed by the report formatter, as the CLI prints it. */
function exportText(id: DumpId, d: Loaded, request: ExportRequest): string {
  const census = 'census' in request ? request.census : undefined;
  const a = settledFor(d, census);
  const { syscalls, result: stacks } = stacksForExport(id);
  const document = toJsonDocument(a, d.name, {
    ...(census === undefined ? {} : { census: censusForDocument(census) }),
    ...(syscalls ? { syscalls } : {}),
    ...(stacks ? { stacks: { stacks: stacks.stacks, groups: stacks.groups, modules: stacks.modules } } : {}),
    findings: findingsFor(id, a, census),
    ...(d.compression !== undefined ? { compression: d.compression } : {}),
  });
  return reportExport(document, request);
}

/** Steps of a header pass are reported once it has run this long. */
const PROGRESS_AFTER_MS = 100;

const api: EngineApi = {
  async load(id, file, name, onProgress): Promise<LoadResult> {
    const started = performance.now();
    // A saved report (JSON) opens as a view of its own: no dump, no header pass.
    if (await looksLikeReport(file))
      return loadReport(id, file, name, started).catch((e: unknown) => ({ ok: false, failure: failureOf(e, name) }));
    // A compressed dump is decoded into a temporary file first, then loaded from there (decode-dump.ts).
    let decoding: Decoded | undefined;
    try {
      decoding = await decodeForLoad(file, name, onProgress);
    } catch (e) {
      return { ok: false, failure: failureOf(e, name) };
    }
    if (decoding !== undefined) {
      if (!decoding.ok) return decoding;
      const result = await api.load(id, decoding.file, name, onProgress);
      if (!result.ok) void forgetDecoded(decoding.file);
      return result.ok
        ? Comlink.transfer({ ...result, file: decoding.file }, regionBuffers(result.view.regions))
        : result;
    }
    const totalBytes = file.size;
    // Each report is a message to the page and a render there: only a pass slow enough for someone to watch it
    // reports its steps (an 800-thread core's whole pass is over well before PROGRESS_AFTER_MS; see npm run bench).
    const report = (step: string, bytes: number) => {
      // The pass never yields to the timer: its steps are its signs of life.
      signOfLife();
      const elapsedMs = performance.now() - started;
      if (elapsedMs >= PROGRESS_AFTER_MS)
        onProgress?.({ phase: 'analyze', step, bytes, totalBytes, elapsedMs } satisfies LoadProgress);
    };
    let analysis: Analysis;
    try {
      analysis = await analyzeCore(new BlobSource(file, { synchronous: true }), { onProgress: report });
    } catch (e) {
      return { ok: false, failure: failureOf(e, name) };
    }
    const compression = decodedCompression(file);
    loaded.set(id, { analysis, name, file, ...(compression !== undefined ? { compression } : {}) });
    attachFile(id, file);
    // The stacks pass starts once the page shows this dump: the demangler (a WebAssembly module to fetch and
    // compile) gets ready meanwhile, off that pass's path.
    void loadWorkerDemangler();
    const view = analysisView(id, name, analysis, performance.now() - started);
    return Comlink.transfer({ ok: true, view }, regionBuffers(view.regions));
  },

  async loadUrl(id, url, name, onProgress): Promise<UrlLoadResult> {
    const started = performance.now();
    let opening: UrlOpening;
    try {
      opening = await openUrl(url, name, (p) => {
        signOfLife();
        onProgress?.(p);
      });
    } catch (e) {
      // Everything that can go wrong before the analysis is about reaching the file: say it as the browser said it.
      return {
        ok: false,
        failure: urlFailure(e) ?? { kind: 'url', message: e instanceof Error ? e.message : String(e) },
      };
    }
    if (opening.kind === 'file') {
      const result = await api.load(id, opening.file, name, onProgress);
      if (!result.ok) return result;
      const view = opening.warning === undefined ? result.view : withWarning(result.view, opening.warning);
      // A compressed dump's load gives the decoded file: that is what the other workers read.
      const file = 'file' in result && result.file instanceof File ? result.file : opening.file;
      return Comlink.transfer({ ok: true, view, over: { kind: 'file', file } }, regionBuffers(view.regions));
    }
    const source = opening.source;
    let analysis: Analysis;
    try {
      analysis = await analyzeCore(source, {
        onProgress: (step) => {
          signOfLife();
          const elapsedMs = performance.now() - started;
          const bytes = source.bytesFetched;
          onProgress?.({ phase: 'analyze', step: `${step} over HTTP`, bytes, totalBytes: source.size, elapsedMs });
        },
      });
    } catch (e) {
      return { ok: false, failure: urlFailure(e) ?? failureOf(e, name) };
    }
    loaded.set(id, { analysis, name, file: source });
    keepUrlSource(id, source);
    attachSource(id, source);
    void loadWorkerDemangler();
    const view = analysisView(id, name, analysis, performance.now() - started);
    const over = { kind: 'range', dump: { url, size: source.size } } as const;
    return Comlink.transfer({ ok: true, view, over }, regionBuffers(view.regions));
  },

  fetchedOverHttp(id) {
    return fetchedOverHttp(id);
  },

  release(id) {
    const d = loaded.get(id);
    if (d?.compression !== undefined && d.file instanceof Blob) void forgetDecoded(d.file);
    forgetUrlSource(id);
    loaded.delete(id);
    forgetReport(id);
    detachFile(id);
    forgetStacks(id);
  },

  sortFiles(files) {
    return sortFiles(files);
  },

  async startStacks(id, files, onEvent): Promise<StacksEnd> {
    const d = loaded.get(id);
    if (d === undefined) return { ok: false, reason: 'not-loaded' };
    return startStacks(id, d.analysis, d.file, files, onEvent);
  },

  findings(id, census) {
    const report = reportFor(id);
    if (report !== undefined) return Promise.resolve(findingsFromReport(report));
    const d = loaded.get(id);
    if (d === undefined) return Promise.resolve([]);
    return Promise.resolve(findingsFor(id, settledFor(d, census), census));
  },

  fetchGzip(url, name, onProgress) {
    // Gunzipping can run for seconds without a timer firing in between: its progress is a sign of life.
    return fetchGzip(url, name, (p) => {
      signOfLife();
      onProgress?.(p);
    });
  },

  async identify(file): Promise<DumpIdentity> {
    try {
      return await identifyDump(file);
    } catch (e) {
      return { ok: false, message: failureOf(e, 'the file').message };
    }
  },

  exportText(id, request): Promise<ExportResult> {
    const report = reportFor(id);
    if (report !== undefined) return Promise.resolve({ ok: true, text: reportExport(report, request) });
    const d = loaded.get(id);
    if (d === undefined) return Promise.resolve({ ok: false, reason: 'not-loaded' });
    return Promise.resolve({ ok: true, text: exportText(id, d, request) });
  },

  attach(id, file) {
    if (file instanceof Blob) attachFile(id, file);
    else attachSource(id, urlSource(id, file));
  },

  servePeer(port) {
    Comlink.expose(api, port);
  },

  runJob(id, job) {
    return runJob(id, job);
  },

  async startScan(id, scanId, request, peers, onEvent): Promise<ScanEnd> {
    const d = loaded.get(id);
    if (d === undefined) return { ok: false, reason: 'not-loaded' };
    return startScan(d, id, scanId, request, peers, onEvent);
  },

  searchMore(scanId, limit) {
    return searchMore(scanId, limit);
  },

  cancelScan(scanId) {
    cancelScan(scanId);
  },

  peerLost(scanId, slot) {
    peerLost(scanId, slot);
  },

  async readMemory(id, address, length): Promise<MemoryResult> {
    if (reportFor(id) !== undefined) return { ok: false, reason: 'no-dump' };
    const d = loaded.get(id);
    if (d === undefined) return { ok: false, reason: 'not-loaded' };
    d.memory ??= memoryAccess(d.analysis, d.file);
    return readForView(d.analysis, d.memory, address, length);
  },

  threadRegisters(id, thread): Promise<RegistersResult> {
    const report = reportFor(id);
    if (report !== undefined) return Promise.resolve(reportRegisters(report, thread));
    const d = loaded.get(id);
    if (d === undefined) return Promise.resolve({ ok: false, reason: 'not-loaded' });
    // As decoded (and cached) by the engine: name, hex and size; the page shows name and hex.
    return Promise.resolve({ ok: true, registers: d.analysis.threads[thread]?.registers.list() ?? [] });
  },
};

// Only the test build's workers serve EngineTestApi; in the product the constant is false and the bundle drops it.
Comlink.expose(__COREVIEW_TEST__ ? { ...api, ...engineTestMethods((id) => loaded.get(id)) } : api);

// The pool's watchdog (pool.ts) takes a worker silent for too long for one the browser ended without telling.
beat();
setInterval(beat, HEARTBEAT_MS);
