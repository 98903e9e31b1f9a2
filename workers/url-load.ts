/**
 * Opening a dump by URL, in an engine worker: the first request decides how it is read.
 * - A plain core from a server that answers Range requests is read in place (HttpRangeSource): the header pass now,
 *   the stacks pass and scans as they run — a multi-GB dump costs megabytes.
 * - A report (small) is fetched whole into a File; a compressed dump must be decoded from its start anyway, so it is
 *   downloaded whole into the Origin Private File System; both are then loaded like a dropped file.
 * - A server that ignores Range (HTTP 200 to the first request) gets the same download, with a warning saying why.
 *
 * Every HttpRangeSource this worker reads is registered here by dump id, so the page can ask what was fetched.
 */
import { sniffCompression } from '../src/core/compression/sniff-compression';
import { humanSize } from '../src/core/format/size';
import { sniffFile } from '../src/core/image/sniff';
import type { AnalysisView, DumpId, HttpFetched, LoadFailure, LoadProgress, UrlDump } from './engine-protocol';
import { HttpRangeSource, probeUrl, UrlReadError, type FetchLike } from './http-range-source';
import { streamToOpfs } from './opfs-temp';

/** How the dump at a URL is to be read. */
export type UrlOpening =
  | { readonly kind: 'range'; readonly source: HttpRangeSource }
  | { readonly kind: 'file'; readonly file: File; readonly warning?: string };

const sources = new Map<DumpId, HttpRangeSource>();

/** A Range reader of `dump` for this worker, counted under `id`. */
export function urlSource(id: DumpId, dump: UrlDump): HttpRangeSource {
  const source = new HttpRangeSource(dump.url, dump.size);
  sources.set(id, source);
  return source;
}

export function keepUrlSource(id: DumpId, source: HttpRangeSource): void {
  sources.set(id, source);
}

export function fetchedOverHttp(id: DumpId): HttpFetched | undefined {
  const source = sources.get(id);
  return source === undefined ? undefined : { bytes: source.bytesFetched, requests: source.requests };
}

export function forgetUrlSource(id: DumpId): void {
  sources.delete(id);
}

/** Progress messages cross a postMessage each: at most one per this many milliseconds. */
const PROGRESS_INTERVAL_MS = 100;

export async function openUrl(
  url: string,
  name: string,
  onProgress: (p: LoadProgress) => void,
  fetchFn: FetchLike = fetch,
): Promise<UrlOpening> {
  const probe = await probeUrl(url, fetchFn);
  if (probe.ranged) {
    const kind = sniffFile(probe.first, name);
    if (kind === 'report') return { kind: 'file', file: await fetchWhole(url, name, fetchFn) };
    if (sniffCompression(probe.first) === undefined) {
      return { kind: 'range', source: new HttpRangeSource(url, probe.size, fetchFn, probe.first) };
    }
    // A compressed dump is decoded from its first byte to its last: ranges would not save anything.
    const response = await send(url, fetchFn);
    return { kind: 'file', file: await download(response, name, probe.size, 'downloading', onProgress) };
  }
  const file = await download(
    probe.response,
    name,
    probe.size,
    'downloading (the server does not answer Range requests)',
    onProgress,
  );
  return {
    kind: 'file',
    file,
    warning: `the server does not answer Range requests, so all of ${name} (${humanSize(file.size)}) was downloaded into this browser's storage; a server with Range support (Accept-Ranges: bytes) lets coreview fetch only what it reads`,
  };
}

/** `view` with one more warning (shown on every view, as the dump's own warnings are). */
export function withWarning(view: AnalysisView, warning: string): AnalysisView {
  const dump = view.overview.dump;
  return { ...view, overview: { ...view.overview, dump: { ...dump, warnings: [...dump.warnings, warning] } } };
}

/** The failure the page shows for an error while opening `url`. */
export function urlFailure(e: unknown): LoadFailure | undefined {
  if (e instanceof UrlReadError) return { kind: 'url', message: e.message };
  return undefined;
}

async function send(url: string, fetchFn: FetchLike): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch {
    throw new UrlReadError('network error or CORS refusal', 'network');
  }
  if (!response.ok || response.body === null) {
    void response.body?.cancel();
    throw new UrlReadError(`HTTP ${response.status}`, 'status', response.status);
  }
  return response;
}

/** A report: small enough to hold in memory. */
async function fetchWhole(url: string, name: string, fetchFn: FetchLike): Promise<File> {
  const response = await send(url, fetchFn);
  return new File([await response.blob()], name, { type: response.headers.get('content-type') ?? '' });
}

/** The body, streamed into a temporary file of the page's own (OPFS), with progress. */
async function download(
  response: Response,
  name: string,
  size: number | undefined,
  what: string,
  onProgress: (p: LoadProgress) => void,
): Promise<File> {
  const body = response.body;
  if (body === null) throw new UrlReadError(`HTTP ${response.status} with no body`, 'protocol');
  const started = performance.now();
  let last = 0;
  try {
    return await streamToOpfs(body, {
      name,
      onBytes: (written: number) => {
        const now = performance.now();
        if (now - last < PROGRESS_INTERVAL_MS) return;
        last = now;
        onProgress({
          phase: 'decompress',
          step: `${what} ${name}`,
          bytes: written,
          ...(size !== undefined ? { totalBytes: size, fraction: written / size } : {}),
          elapsedMs: now - started,
        });
      },
    });
  } catch (e) {
    // fetch's body stream fails with a TypeError when the connection drops midway.
    if (e instanceof TypeError) throw new UrlReadError(`the download of ${name} broke off: ${e.message}`, 'network');
    throw e;
  }
}
