/**
 * Dumps served over HTTP for e2e/url.spec.ts, as a hosting server would: with Range requests (206 and
 * Content-Range; several ranges in one request answered multipart/byteranges, as nginx and Apache do) or without
 * (always 200, the whole file), with or without CORS for another origin. Counts the body bytes it sends and the
 * requests, so a spec can say how much of a dump the page fetched and in how many requests.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { multipartBody, severalRanges } from '../tests/helpers/multipart-body';

export interface ServedFile {
  readonly path: string;
  /** Answers Range requests (else every GET is a 200 with the whole file). */
  readonly ranges: boolean;
  /** Answers several ranges in one request with the whole file, as a server that honours single ranges only does. */
  readonly singleRangesOnly?: boolean;
  /** The origin allowed by CORS (Access-Control-Allow-Origin), with Content-Range and Accept-Ranges exposed. */
  readonly corsOrigin?: string;
}

export class DumpRoutes {
  /** Body bytes sent, by file name. */
  readonly sent = new Map<string, number>();
  /** GET requests answered, by file name. */
  readonly gets = new Map<string, number>();
  private readonly files = new Map<string, ServedFile>();

  /** Serves files under `prefix` (a URL path ending in '/'). */
  constructor(private readonly prefix: string) {}

  serve(name: string, file: ServedFile): string {
    this.files.set(name, file);
    this.sent.set(name, 0);
    return `${this.prefix}${encodeURIComponent(name)}`;
  }

  bytesSent(name: string): number {
    return this.sent.get(name) ?? 0;
  }

  /** Answers requests under the prefix (a 404 for a name not served); false for any other path. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(this.prefix)) return false;
    const name = path.slice(this.prefix.length);
    const file = this.files.get(name);
    const cors: Record<string, string> =
      file?.corsOrigin === undefined
        ? {}
        : {
            'Access-Control-Allow-Origin': file.corsOrigin,
            'Access-Control-Expose-Headers': 'Content-Range, Accept-Ranges',
            Vary: 'Origin',
          };
    if (req.method === 'OPTIONS') {
      res
        .writeHead(204, {
          ...cors,
          ...(file?.corsOrigin === undefined
            ? {}
            : { 'Access-Control-Allow-Headers': 'Range', 'Access-Control-Allow-Methods': 'GET, HEAD' }),
        })
        .end();
      return true;
    }
    if (file === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...cors }).end('not found\n');
      return true;
    }
    let size: number;
    try {
      size = statSync(file.path).size;
    } catch {
      // Removed after its test: gone, as on a real server.
      res.writeHead(404, { 'Content-Type': 'text/plain', ...cors }).end('not found\n');
      return true;
    }
    const common = { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-store', ...cors };
    const spans = severalRanges(req.headers.range);
    if (file.ranges && spans !== undefined && file.singleRangesOnly !== true) {
      this.sendParts(name, req, res, common, size, spans);
      return true;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (file.ranges && range !== null) {
      const start = Number(range[1]);
      if (start >= size) {
        res.writeHead(416, { ...common, 'Content-Range': `bytes */${size}` }).end();
        return true;
      }
      const end = Math.min(size - 1, range[2] === '' ? size - 1 : Number(range[2]));
      res.writeHead(206, {
        ...common,
        'Accept-Ranges': 'bytes',
        'Content-Range': `bytes ${start}-${end}/${size}`,
        'Content-Length': end - start + 1,
      });
      this.send(name, req, res, start, end);
      return true;
    }
    res.writeHead(200, { ...common, 'Content-Length': size, ...(file.ranges ? { 'Accept-Ranges': 'bytes' } : {}) });
    this.send(name, req, res, 0, size - 1);
    return true;
  };

  /** Several ranges (inclusive, inside the file), one part each, read whole into memory: they are small. */
  private sendParts(
    name: string,
    req: IncomingMessage,
    res: ServerResponse,
    headers: Record<string, string>,
    size: number,
    spans: readonly (readonly [number, number])[],
  ): void {
    const boundary = 'coreview-e2e-parts';
    const fd = openSync(this.files.get(name)?.path ?? '', 'r');
    let body: Uint8Array;
    try {
      const parts = spans.map(([start, wanted]) => {
        const end = Math.min(wanted, size - 1);
        const bytes = Buffer.alloc(Math.max(0, end - start + 1));
        readSync(fd, bytes, 0, bytes.length, start);
        return { start, end, bytes };
      });
      body = multipartBody(parts, size, boundary);
    } finally {
      closeSync(fd);
    }
    // The whole body counts, part headers included: it is what the page receives and counts.
    if (req.method === 'GET') {
      this.gets.set(name, (this.gets.get(name) ?? 0) + 1);
      this.sent.set(name, this.bytesSent(name) + body.length);
    }
    res
      .writeHead(206, {
        ...headers,
        'Content-Type': `multipart/byteranges; boundary=${boundary}`,
        'Accept-Ranges': 'bytes',
        'Content-Length': body.length,
      })
      .end(req.method === 'HEAD' ? undefined : body);
  }

  private send(name: string, req: IncomingMessage, res: ServerResponse, start: number, end: number): void {
    const file = this.files.get(name);
    if (req.method === 'GET') this.gets.set(name, (this.gets.get(name) ?? 0) + 1);
    if (req.method === 'HEAD' || file === undefined || end < start) {
      res.end();
      return;
    }
    const stream = createReadStream(file.path, { start, end });
    stream.on('data', (chunk) => {
      this.sent.set(name, this.bytesSent(name) + chunk.length);
    });
    // The page may stop reading midway (a download it cancelled): not an error here.
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }
}
