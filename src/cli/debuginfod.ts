/**
 * The debuginfod side of the CLI's search for a module's files: the client cache that elfutils' `debuginfod-find`,
 * gdb and eu-stack share, and downloads from the servers in `DEBUGINFOD_URLS` into that cache, laid out and named
 * as the elfutils client does (`<cache>/<build-id>/executable`, `…/debuginfo`), so either tool finds what the other
 * fetched. Environment variables as the elfutils client reads them: DEBUGINFOD_CACHE_PATH, XDG_CACHE_HOME,
 * DEBUGINFOD_URLS, DEBUGINFOD_TIMEOUT (seconds without progress), DEBUGINFOD_MAXTIME (seconds per download),
 * DEBUGINFOD_MAXSIZE (bytes per download).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type Stats } from 'node:fs';
import { mkdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export type ArtifactKind = 'executable' | 'debuginfo';

/** The elfutils client's defaults: 90 s without progress; a recorded miss is believed for 600 s. */
const DEFAULT_TIMEOUT_S = 90;
const DEFAULT_CACHE_MISS_S = 600;
/** At most this many servers from DEBUGINFOD_URLS are asked (a list is typed by hand; this caps a runaway one). */
const MAX_SERVERS = 16;

/** The client cache folder, chosen as the elfutils client chooses it. */
export function debuginfodCacheDir(env: NodeJS.ProcessEnv): string {
  const explicit = nonEmpty(env.DEBUGINFOD_CACHE_PATH);
  if (explicit !== undefined) return explicit;
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  if (xdg !== undefined) return join(xdg, 'debuginfod_client');
  return join(nonEmpty(env.HOME) ?? homedir(), '.cache', 'debuginfod_client');
}

/** The http(s) servers of DEBUGINFOD_URLS (space-separated), trailing slashes dropped; other schemes are skipped. */
export function debuginfodUrls(env: NodeJS.ProcessEnv): string[] {
  const urls: string[] = [];
  for (const word of (env.DEBUGINFOD_URLS ?? '').split(/\s+/)) {
    if (!/^https?:\/\/./i.test(word)) continue;
    const url = word.replace(/\/+$/, '');
    if (!urls.includes(url)) urls.push(url);
    if (urls.length === MAX_SERVERS) break;
  }
  return urls;
}

export function cachePathOf(cacheDir: string, buildId: string, kind: ArtifactKind): string {
  return join(cacheDir, buildId, kind);
}

/**
 * What the cache holds for one artifact: a file, a recorded miss (the elfutils client writes an empty file when
 * every server said no; it is believed for `cache_miss_s` seconds), or nothing.
 */
export async function cacheEntry(
  cacheDir: string,
  buildId: string,
  kind: ArtifactKind,
  now = Date.now(),
): Promise<'file' | 'recent-miss' | 'none'> {
  let info: Stats;
  try {
    info = await stat(cachePathOf(cacheDir, buildId, kind));
  } catch {
    return 'none';
  }
  if (!info.isFile()) return 'none';
  if (info.size > 0) return 'file';
  const missSeconds = await cacheMissSeconds(cacheDir);
  return now - info.mtimeMs < missSeconds * 1000 ? 'recent-miss' : 'none';
}

async function cacheMissSeconds(cacheDir: string): Promise<number> {
  try {
    const value = Number.parseInt(await readFile(join(cacheDir, 'cache_miss_s'), 'utf8'), 10);
    return Number.isFinite(value) && value >= 0 ? value : DEFAULT_CACHE_MISS_S;
  } catch {
    return DEFAULT_CACHE_MISS_S;
  }
}

export interface DownloadLimits {
  /** No byte for this long: the download is given up. */
  readonly stallMs: number;
  /** The whole download, when limited. */
  readonly totalMs?: number;
  /** Larger artifacts are not downloaded. */
  readonly maxBytes?: number;
}

export function downloadLimits(env: NodeJS.ProcessEnv): DownloadLimits {
  const seconds = (v: string | undefined): number | undefined => {
    const n = Number(nonEmpty(v));
    return Number.isFinite(n) && n > 0 ? n * 1000 : undefined;
  };
  const maxSize = Number(nonEmpty(env.DEBUGINFOD_MAXSIZE));
  const totalMs = seconds(env.DEBUGINFOD_MAXTIME);
  return {
    stallMs: seconds(env.DEBUGINFOD_TIMEOUT) ?? DEFAULT_TIMEOUT_S * 1000,
    ...(totalMs !== undefined ? { totalMs } : {}),
    ...(Number.isFinite(maxSize) && maxSize > 0 ? { maxBytes: maxSize } : {}),
  };
}

export type DownloadResult =
  | { readonly kind: 'stored'; readonly path: string }
  /** The server does not have it (404), or what it sent is not the right file. */
  | { readonly kind: 'absent'; readonly reason: string }
  /** The server could not be reached or stalled: not worth asking again in this run. */
  | { readonly kind: 'server-down'; readonly reason: string };

/**
 * Downloads `<server>/buildid/<id>/<kind>` into the cache: streamed into a temporary file beside its final name,
 * checked with `verify` (the build-id of what arrived), then renamed into place, so a reader never sees half a
 * file and a wrong file is never stored.
 */
export async function downloadToCache(
  server: string,
  buildId: string,
  kind: ArtifactKind,
  cacheDir: string,
  limits: DownloadLimits,
  verify: (path: string) => Promise<boolean>,
): Promise<DownloadResult> {
  const url = `${server}/buildid/${buildId}/${kind}`;
  const controller = new AbortController();
  let why = '';
  const abort = (reason: string): void => {
    why = reason;
    controller.abort();
  };
  let stall = setTimeout(() => abort(`no answer in ${limits.stallMs} ms`), limits.stallMs);
  const total =
    limits.totalMs === undefined
      ? undefined
      : setTimeout(() => abort(`not done in ${limits.totalMs} ms`), limits.totalMs);
  const target = cachePathOf(cacheDir, buildId, kind);
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let tempWritten = false;
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal, headers: { 'User-Agent': 'coreview' } });
    } catch (e) {
      return { kind: 'server-down', reason: why || causeOf(e) };
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return { kind: 'absent', reason: 'not on the server (404)' };
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      return { kind: 'absent', reason: `HTTP ${response.status}` };
    }
    const announced = Number(response.headers.get('content-length'));
    if (limits.maxBytes !== undefined && Number.isFinite(announced) && announced > limits.maxBytes) {
      await response.body.cancel();
      return { kind: 'absent', reason: `${announced} bytes, more than DEBUGINFOD_MAXSIZE` };
    }
    await mkdir(join(cacheDir, buildId), { recursive: true });
    let received = 0;
    const tooLarge = 'more than DEBUGINFOD_MAXSIZE bytes';
    // Counts what arrives: every chunk restarts the stall timer, and the size limit holds without content-length.
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        clearTimeout(stall);
        stall = setTimeout(() => abort(`stalled for ${limits.stallMs} ms`), limits.stallMs);
        if (limits.maxBytes !== undefined && received > limits.maxBytes) done(new Error(tooLarge));
        else done(null, chunk);
      },
    });
    tempWritten = true;
    try {
      const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
      await pipeline(body, counter, createWriteStream(temp, { flags: 'wx', mode: 0o644 }));
    } catch (e) {
      return why ? { kind: 'server-down', reason: why } : { kind: 'absent', reason: causeOf(e) };
    }
    if (received === 0) return { kind: 'absent', reason: 'empty answer' };
    if (!(await verify(temp))) return { kind: 'absent', reason: 'the file sent has another build-id' };
    await rename(temp, target);
    tempWritten = false;
    return { kind: 'stored', path: target };
  } catch (e) {
    // The cache is not writable, or the like: the server may be fine, this artifact is not to be had.
    return { kind: 'absent', reason: causeOf(e) };
  } finally {
    clearTimeout(stall);
    if (total !== undefined) clearTimeout(total);
    if (tempWritten) await unlink(temp).catch(() => undefined);
  }
}

function causeOf(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // fetch's own message is "fetch failed"; what happened is in its cause (ECONNREFUSED, ENOTFOUND, …).
  const cause: unknown = e.cause;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return (e as NodeJS.ErrnoException).code ?? e.message;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
