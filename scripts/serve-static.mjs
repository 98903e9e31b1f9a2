#!/usr/bin/env node
// A plain static file server for dist/, mounted under a sub-path (default /coreview/) to prove the build works
// from any folder of any host: no rewrites, no server code, just files. Used by the e2e tests and the benchmark.
//
//   node scripts/serve-static.mjs [--dir dist] [--base /coreview/] [--port 0] [--host 127.0.0.1]
//
// Prints "serving <dir> at <url>" once listening (port 0 picks a free port). Exported as startStaticServer()
// for scripts that want it in-process.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  // A .gz is served as the bytes it is (no Content-Encoding): the page gunzips the sample itself.
  '.gz': 'application/gzip',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * `route(req, res)`, for tests: sees each request first and returns true when it answered it (e.g. a dump served
 * with Range requests beside the app, on the same origin).
 * @param {{ dir?: string, base?: string, port?: number, host?: string,
 *           route?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean }} options
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export function startStaticServer({ dir = 'dist', base = '/coreview/', port = 0, host = '127.0.0.1', route } = {}) {
  const root = resolve(dir);
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const server = createServer((req, res) => {
    if (route?.(req, res) === true) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === prefix.slice(0, -1)) {
      res.writeHead(301, { Location: prefix }).end();
      return;
    }
    if (!path.startsWith(prefix)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    let file = normalize(join(root, path.slice(prefix.length)));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    let stat;
    try {
      stat = statSync(file);
      if (stat.isDirectory()) {
        file = join(file, 'index.html');
        stat = statSync(file);
      }
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
      // Revalidate every time: the service worker, not the HTTP cache, is what makes the app work offline.
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolveStart, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      resolveStart({
        url: `http://${host}:${actual}${prefix}`,
        port: actual,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

function argValue(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const { url } = await startStaticServer({
    dir: argValue(args, '--dir', 'dist'),
    base: argValue(args, '--base', '/coreview/'),
    port: Number(argValue(args, '--port', '0')),
    host: argValue(args, '--host', '127.0.0.1'),
  });
  console.log(`serving ${argValue(args, '--dir', 'dist')} at ${url}`);
}
