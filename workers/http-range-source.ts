/**
 * A dump served over HTTP, read with Range requests: only the bytes the engine asks for cross the network.
 *
 * The header pass asks for many small pieces (the ELF header, program headers, notes, a page of each module), and
 * the stacks pass for a few words at a time from each thread's stack. One request each would be thousands of round
 * trips, so small reads go through aligned blocks (BLOCK bytes) kept in an LRU: the blocks asked for in one turn of
 * the event loop that are not cached are fetched together, each run of neighbouring blocks as one range — and the
 * runs of one turn as one request with several ranges, answered `multipart/byteranges` (threads' stacks lie megabytes
 * apart: 800 threads were ~800 requests). A server that answers several ranges otherwise (the whole file, one range)
 * is asked one range per request from then on. Reads of at least DIRECT_MIN bytes (a scan's 16 MiB slices, a large
 * note segment) are fetched as they are, uncached.
 *
 * `bytesFetched` counts the body bytes received, so the page can say how little of a multi-GB dump it fetched.
 */
import { checkReadArgs, type ByteSource } from '../src/core/io/byte-source';
import { byterangesBoundary, parseByteranges, parseContentRange } from './http-ranges';

/**
 * Small reads are served from blocks of this size (and alignment). The stacks pass reads 16 KiB at a time
 * (process-memory.ts) from each thread's stack: on an 800-thread kernel core, 16 KiB blocks fetched 0.33 % of it
 * where 64 KiB ones fetched 0.87 %, in as many requests (neighbouring blocks go out together anyway).
 */
export const BLOCK = 16 * 1024;
/** Reads at least this long bypass the blocks. */
export const DIRECT_MIN = 1024 * 1024;
/** At most this many neighbouring blocks are fetched in one request. */
const MAX_RUN_BLOCKS = 64;
/** Blocks kept: 32 MiB. */
const CACHE_BLOCKS = 2048;
/** At most this many ranges in one request: its Range header stays under 2 KB. */
const MAX_PARTS = 64;

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Why a URL could not be read, as exactly as the browser lets us know: `status` for an HTTP answer (404, 403, 416, …),
 * `network` when fetch itself threw (the browser says no more: offline, refused, or a CORS refusal), `protocol` for
 * an answer that does not fit the Range protocol (a missing or unreadable Content-Range, a short body).
 */
export class UrlReadError extends Error {
  override readonly name = 'UrlReadError';
  constructor(
    message: string,
    readonly reason: 'status' | 'network' | 'protocol',
    readonly status?: number,
  ) {
    super(message);
  }
}

/** What the first request learned: the size and the first bytes (a ranged server), or the whole body (one without). */
export type ProbeResult =
  | { readonly ranged: true; readonly size: number; readonly first: Uint8Array; readonly acceptRanges: boolean }
  | { readonly ranged: false; readonly response: Response; readonly size?: number };

/** "HTTP 404 Not Found" (the status text when the server sent one). */
function statusMessage(response: Response): string {
  const text = response.statusText.trim();
  return `HTTP ${response.status}${text === '' ? '' : ` ${text}`}`;
}

async function send(fetchFn: FetchLike, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    // fetch rejects with a bare TypeError for every network-level refusal, CORS included: nothing more is known.
    throw new UrlReadError('network error or CORS refusal', 'network');
  }
}

const EXPOSE_HINT = 'a server on another origin must send Access-Control-Expose-Headers: Content-Range, Accept-Ranges';

/**
 * The first request: `Range: bytes=0-(BLOCK-1)`. A 206 with a readable Content-Range gives the size (and block 0);
 * a 200 means the server ignores Range (its body is the whole file); anything else is an error with its status.
 */
export async function probeUrl(url: string, fetchFn: FetchLike = fetch, signal?: AbortSignal): Promise<ProbeResult> {
  const response = await send(fetchFn, url, {
    headers: { Range: `bytes=0-${BLOCK - 1}` },
    cache: 'no-store',
    ...(signal !== undefined ? { signal } : {}),
  });
  if (response.status === 200) {
    const length = Number(response.headers.get('content-length') ?? '');
    const identity = (response.headers.get('content-encoding') ?? 'identity').trim().toLowerCase() === 'identity';
    return {
      ranged: false,
      response,
      ...(identity && Number.isSafeInteger(length) && length > 0 ? { size: length } : {}),
    };
  }
  if (response.status !== 206) {
    void response.body?.cancel();
    throw new UrlReadError(statusMessage(response), 'status', response.status);
  }
  const range = parseContentRange(response.headers.get('content-range'));
  if (range === undefined || range.size === undefined || range.start !== 0) {
    void response.body?.cancel();
    const header = response.headers.get('content-range');
    throw new UrlReadError(
      header === null
        ? `the server answered the Range request (HTTP 206) but its Content-Range header is not readable: ${EXPOSE_HINT}`
        : `the server's Content-Range "${header}" does not give the file's size`,
      'protocol',
    );
  }
  const first = new Uint8Array(await response.arrayBuffer());
  if (first.length !== range.end - range.start + 1)
    throw new UrlReadError(`short answer: ${first.length} bytes for the range 0-${range.end}`, 'protocol');
  const acceptRanges = (response.headers.get('accept-ranges') ?? '').toLowerCase().includes('bytes');
  return { ranged: true, size: range.size, first, acceptRanges };
}

/**
 * A ranged GET past the browser's HTTP cache: Chromium's cache admits one transaction per URL at a time (its cache
 * lock), which would queue the stacks pass's hundreds of ranges (about one per thread) behind each other; the blocks
 * are cached here instead.
 */
function rangeInit(spans: readonly Span[], signal?: AbortSignal): RequestInit {
  return {
    headers: { Range: `bytes=${spans.map(([start, end]) => `${start}-${end - 1}`).join(',')}` },
    cache: 'no-store',
    ...(signal !== undefined ? { signal } : {}),
  };
}

/** [start, end) of the file. */
type Span = readonly [number, number];

/** A block fetch in flight or done: a promise every reader of that block awaits. */
type BlockPromise = Promise<Uint8Array>;

interface Waiting {
  readonly resolve: (bytes: Uint8Array) => void;
  readonly reject: (e: unknown) => void;
}

export class HttpRangeSource implements ByteSource {
  /** Body bytes received, the probe's included. */
  bytesFetched = 0;
  /** HTTP requests made, the probe's included. */
  requests = 0;
  private readonly blocks = new Map<number, Uint8Array>();
  private readonly inFlight = new Map<number, BlockPromise>();
  private pending = new Map<number, Waiting>();
  private flushScheduled = false;
  /** The server answered a request for several ranges otherwise than multipart: one range per request from then on. */
  private singleRangesOnly = false;

  constructor(
    readonly url: string,
    readonly size: number,
    private readonly fetchFn: FetchLike = fetch,
    /** Block 0 as the probe fetched it (and its cost), so the first read of the header costs nothing more. */
    first?: Uint8Array,
  ) {
    if (first !== undefined) {
      this.bytesFetched += first.length;
      this.requests += 1;
      if (first.length === Math.min(BLOCK, size)) this.keep(0, first);
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkReadArgs(offset, length);
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    if (end - offset >= DIRECT_MIN) return this.fetchRange(offset, end);
    const firstBlock = Math.floor(offset / BLOCK);
    const lastBlock = Math.floor((end - 1) / BLOCK);
    const parts = await Promise.all(
      Array.from({ length: lastBlock - firstBlock + 1 }, (_, i) => this.block(firstBlock + i)),
    );
    const out = new Uint8Array(end - offset);
    let at = 0;
    parts.forEach((bytes, i) => {
      const blockStart = (firstBlock + i) * BLOCK;
      const from = Math.max(offset, blockStart) - blockStart;
      const to = Math.min(end, blockStart + bytes.length) - blockStart;
      out.set(bytes.subarray(from, to), at);
      at += to - from;
    });
    return out;
  }

  private block(index: number): BlockPromise {
    const cached = this.blocks.get(index);
    if (cached !== undefined) {
      // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
      this.blocks.delete(index);
      this.blocks.set(index, cached);
      return Promise.resolve(cached);
    }
    const flying = this.inFlight.get(index);
    if (flying !== undefined) return flying;
    const promise = new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(index, { resolve, reject });
    });
    this.inFlight.set(index, promise);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // After every read issued in this turn has asked for its blocks: then neighbours go out as one request.
      setTimeout(() => this.flush(), 0);
    }
    return promise;
  }

  private flush(): void {
    this.flushScheduled = false;
    const pending = this.pending;
    this.pending = new Map();
    const indices = [...pending.keys()].sort((a, b) => a - b);
    const runs: number[][] = [];
    let runStart = 0;
    for (let i = 1; i <= indices.length; i++) {
      const prev = indices[i - 1] ?? 0;
      const here = indices[i];
      if (here === prev + 1 && i - runStart < MAX_RUN_BLOCKS) continue;
      runs.push(indices.slice(runStart, i));
      runStart = i;
    }
    if (runs.length > 1 && !this.singleRangesOnly) {
      for (let i = 0; i < runs.length; i += MAX_PARTS) void this.fetchRuns(runs.slice(i, i + MAX_PARTS), pending);
    } else {
      for (const run of runs) void this.fetchRun(run, pending);
    }
  }

  /** The bytes a run of blocks covers. */
  private spanOf(run: readonly number[]): Span {
    const first = run[0] ?? 0;
    return [first * BLOCK, Math.min(this.size, (first + run.length) * BLOCK)];
  }

  private async fetchRun(run: readonly number[], pending: ReadonlyMap<number, Waiting>): Promise<void> {
    const [start, end] = this.spanOf(run);
    try {
      this.settle(run, await this.fetchRange(start, end), pending);
    } catch (e) {
      this.fail(run, e, pending);
    }
  }

  /** Several runs in one request; one request per run when the server does not answer that way. */
  private async fetchRuns(runs: readonly (readonly number[])[], pending: ReadonlyMap<number, Waiting>): Promise<void> {
    let parts: Uint8Array[] | undefined;
    try {
      parts = await this.fetchMultipart(runs.map((run) => this.spanOf(run)));
    } catch (e) {
      for (const run of runs) this.fail(run, e, pending);
      return;
    }
    runs.forEach((run, k) => {
      const bytes = parts?.[k];
      if (bytes === undefined) void this.fetchRun(run, pending);
      else this.settle(run, bytes, pending);
    });
  }

  private settle(run: readonly number[], bytes: Uint8Array, pending: ReadonlyMap<number, Waiting>): void {
    run.forEach((index, i) => {
      const block = bytes.slice(i * BLOCK, Math.min(bytes.length, (i + 1) * BLOCK));
      this.keep(index, block);
      this.inFlight.delete(index);
      pending.get(index)?.resolve(block);
    });
  }

  private fail(run: readonly number[], e: unknown, pending: ReadonlyMap<number, Waiting>): void {
    for (const index of run) {
      this.inFlight.delete(index);
      pending.get(index)?.reject(e);
    }
  }

  private keep(index: number, bytes: Uint8Array): void {
    this.blocks.set(index, bytes);
    if (this.blocks.size > CACHE_BLOCKS) {
      const oldest = this.blocks.keys().next();
      if (oldest.done !== true) this.blocks.delete(oldest.value);
    }
  }

  /**
   * One GET of several spans, answered `multipart/byteranges`: each span's bytes, in order. undefined when the server
   * answers another way (the whole file: aborted at once; one range; parts that are not the spans asked for) or the
   * request is refused before any answer (a cross-origin server whose preflight does not allow a multi-range header):
   * one span per request then says what is wrong, if anything. Throws for an HTTP error status.
   */
  private async fetchMultipart(spans: readonly Span[]): Promise<Uint8Array[] | undefined> {
    this.requests += 1;
    const abort = new AbortController();
    let response: Response;
    try {
      response = await send(this.fetchFn, this.url, rangeInit(spans, abort.signal));
    } catch (e) {
      if (!(e instanceof UrlReadError)) throw e;
      this.singleRangesOnly = true;
      return undefined;
    }
    if (response.status !== 200 && response.status !== 206) {
      void response.body?.cancel();
      throw new UrlReadError(statusMessage(response), 'status', response.status);
    }
    const boundary = byterangesBoundary(response.headers.get('content-type'));
    if (response.status !== 206 || boundary === undefined) {
      abort.abort();
      this.singleRangesOnly = true;
      return undefined;
    }
    const body = new Uint8Array(await response.arrayBuffer());
    this.bytesFetched += body.length;
    const parts = parseByteranges(body, boundary) ?? [];
    const bytes = spans.map(([start, end]) => parts.find((p) => p.start === start && p.end === end - 1));
    if (!bytes.every((p) => p !== undefined)) {
      this.singleRangesOnly = true;
      return undefined;
    }
    const changed = bytes.find((p) => p.size !== undefined && p.size !== this.size);
    if (changed !== undefined) throw this.sizeChanged(changed.size ?? 0);
    return bytes.map((p) => p.bytes);
  }

  private sizeChanged(now: number): UrlReadError {
    return new UrlReadError(
      `the file changed on the server while open (${this.size} bytes, now ${now}): open it again`,
      'protocol',
    );
  }

  /** One ranged GET of [start, end), end ≤ size; the answer must be exactly that range of a file of this size. */
  private async fetchRange(start: number, end: number): Promise<Uint8Array> {
    this.requests += 1;
    const response = await send(this.fetchFn, this.url, rangeInit([[start, end]]));
    if (response.status !== 206) {
      void response.body?.cancel();
      throw new UrlReadError(
        response.status === 200
          ? `${statusMessage(response)}: the server stopped answering Range requests`
          : statusMessage(response),
        'status',
        response.status,
      );
    }
    const range = parseContentRange(response.headers.get('content-range'));
    if (range === undefined || range.start !== start || range.end !== end - 1) {
      void response.body?.cancel();
      throw new UrlReadError(
        `the server answered bytes ${start}-${end - 1} with Content-Range "${response.headers.get('content-range') ?? ''}"`,
        'protocol',
      );
    }
    if (range.size !== undefined && range.size !== this.size) throw this.sizeChanged(range.size);
    const bytes = new Uint8Array(await response.arrayBuffer());
    this.bytesFetched += bytes.length;
    if (bytes.length !== end - start)
      throw new UrlReadError(`short answer: ${bytes.length} bytes for the range ${start}-${end - 1}`, 'protocol');
    return bytes;
  }
}
