/**
 * Where the CLI looks for a module's files, over a folder laid out like a machine: the module's own path, a
 * sysroot, a debug directory's .build-id tree, a debuginfod client cache, and a small HTTP server on loopback that
 * answers like a debuginfod server. The build-id of a test file is its content ("id:<hex>"), read by a fake
 * `buildIdOf`, so what matches is decided by the test alone.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinaries, findPerfMap, type FinderOptions } from '../../src/cli/binary-finder';
import { debuginfodCacheDir, debuginfodUrls, downloadLimits } from '../../src/cli/debuginfod';

const ID_APP = 'aa11223344556677889900aabbccddeeff001122';
const ID_LIB = 'bb11223344556677889900aabbccddeeff001122';
const ID_OLD = 'cc11223344556677889900aabbccddeeff001122';
const ID_NET = 'dd11223344556677889900aabbccddeeff001122';
const ID_WRONG = 'ee11223344556677889900aabbccddeeff001122';
const ID_SLOW = 'ff11223344556677889900aabbccddeeff001122';

let root: string;
let server: Server;
let serverUrl: string;
const served: string[] = [];

function put(path: string, buildId: string | undefined): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, buildId === undefined ? 'not an elf' : `id:${buildId}`);
  return path;
}

async function fakeBuildIdOf(path: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8');
  return text.startsWith('id:') ? text.slice(3) : undefined;
}

function options(extra: Partial<FinderOptions> = {}): FinderOptions {
  return {
    debugDirs: [join(root, 'debug')],
    offline: false,
    env: { DEBUGINFOD_CACHE_PATH: join(root, 'cache') },
    ...extra,
  };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'coreview-finder-'));
  // The crashed machine: the app at its own path.
  put(join(root, 'machine/bin/app'), ID_APP);
  // A library that was upgraded since the crash: another build at the same path.
  put(join(root, 'machine/lib/libold.so'), ID_OLD.replace('cc', '00'));
  // A copy of the crashed machine's files.
  put(join(root, 'sysroot', root, 'machine/lib/libfoo.so'), ID_LIB);
  // A debug directory: the app's .debug file and a link to the library.
  const split = (id: string): string => join(id.slice(0, 2), id.slice(2));
  put(join(root, 'debug/.build-id', `${split(ID_APP)}.debug`), ID_APP);
  put(join(root, 'elsewhere/libfoo.so'), ID_LIB);
  mkdirSync(join(root, 'debug/.build-id', ID_LIB.slice(0, 2)), { recursive: true });
  symlinkSync(join(root, 'elsewhere/libfoo.so'), join(root, 'debug/.build-id', split(ID_LIB)));
  // The debuginfod client cache: the old library's debuginfo.
  put(join(root, 'cache', ID_OLD, 'debuginfo'), ID_OLD);

  server = createServer((request, response) => {
    served.push(request.url ?? '');
    const m = /^\/buildid\/([0-9a-f]+)\/(executable|debuginfo)$/.exec(request.url ?? '');
    if (m?.[1] === ID_NET && m[2] === 'executable') return void response.end(`id:${ID_NET}`);
    if (m?.[1] === ID_WRONG) return void response.end(`id:${ID_APP}`);
    if (m?.[1] === ID_SLOW) {
      response.write('id:');
      return; // never ends: the stall timeout must end it
    }
    response.statusCode = 404;
    response.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe('findBinaries on disk', () => {
  it('takes the module path itself when the build-id matches, and the .debug file of the debug directory', async () => {
    const [app] = await findBinaries(
      [{ path: join(root, 'machine/bin/app'), buildId: ID_APP.toUpperCase() }],
      options(),
      fakeBuildIdOf,
    );
    expect(app?.status).toBe('file');
    expect(app?.image).toBe(join(root, 'machine/bin/app'));
    expect(app?.debug).toBe(join(root, 'debug/.build-id/aa', `${ID_APP.slice(2)}.debug`));
    expect(app?.tried).toContain(`${join(root, 'machine/bin/app')}: build-id matches`);
  });

  it('re-roots paths under the sysroot and follows the .build-id link', async () => {
    const path = join(root, 'machine/lib/libfoo.so');
    const [withSysroot] = await findBinaries(
      [{ path, buildId: ID_LIB }],
      options({ sysroot: join(root, 'sysroot') }),
      fakeBuildIdOf,
    );
    expect(withSysroot?.image).toBe(join(root, 'sysroot', path));
    const [withoutSysroot] = await findBinaries([{ path, buildId: ID_LIB }], options(), fakeBuildIdOf);
    expect(withoutSysroot?.image).toBe(join(root, 'debug/.build-id/bb', ID_LIB.slice(2)));
    expect(withoutSysroot?.status).toBe('file');
    expect(withoutSysroot?.tried).toContain(`${path}: not there`);
  });

  it('reports another build at the module path, unless something else matched', async () => {
    const path = join(root, 'machine/lib/libold.so');
    const [old] = await findBinaries([{ path, buildId: ID_OLD }], options(), fakeBuildIdOf);
    // The cache holds its debuginfo: found, although the file at its path is another build.
    expect(old?.status).toBe('file');
    expect(old?.image).toBeUndefined();
    expect(old?.debug).toBe(join(root, 'cache', ID_OLD, 'debuginfo'));
    const [other] = await findBinaries(
      [{ path, buildId: '1234567890abcdef1234567890abcdef12345678' }],
      options(),
      fakeBuildIdOf,
    );
    expect(other?.status).toBe('build-id-mismatch');
    expect(other?.image).toBeUndefined();
    expect(other?.tried.some((t) => t.startsWith(`${path}: another build-id (00`))).toBe(true);
  });

  it('never matches a module without a build-id, even when its path exists', async () => {
    const [app] = await findBinaries([{ path: join(root, 'machine/bin/app') }], options(), fakeBuildIdOf);
    expect(app).toEqual({
      status: 'missing',
      tried: ['no build-id in the dump: files are matched by build-id only, so none is looked up'],
    });
    const [bad] = await findBinaries([{ path: '/x', buildId: '../../etc' }], options(), fakeBuildIdOf);
    expect(bad?.status).toBe('missing');
  });

  it('treats a file without a build-id at the path as another build', async () => {
    const path = put(join(root, 'machine/lib/plain.so'), undefined);
    const [plain] = await findBinaries([{ path, buildId: ID_NET.replace('dd', '01') }], options(), fakeBuildIdOf);
    expect(plain?.status).toBe('build-id-mismatch');
    expect(plain?.tried).toContain(`${path}: no build-id`);
  });

  it('looks at nothing offline', async () => {
    let calls = 0;
    const counting = async (p: string): Promise<string | undefined> => {
      calls++;
      return fakeBuildIdOf(p);
    };
    const found = await findBinaries(
      [{ path: join(root, 'machine/bin/app'), buildId: ID_APP }],
      options({ offline: true, env: { DEBUGINFOD_CACHE_PATH: join(root, 'cache'), DEBUGINFOD_URLS: serverUrl } }),
      counting,
    );
    expect(found).toEqual([{ status: 'missing', tried: ['offline: only the dump is read'] }]);
    expect(calls).toBe(0);
  });

  it('keeps the modules in order and shares the lookup of one build-id', async () => {
    let calls = 0;
    const counting = async (p: string): Promise<string | undefined> => {
      calls++;
      return fakeBuildIdOf(p);
    };
    const app = { path: join(root, 'machine/bin/app'), buildId: ID_APP };
    const found = await findBinaries([app, { path: '/nowhere/lib.so', buildId: ID_LIB }, app], options(), counting);
    expect(found.map((f) => f.status)).toEqual(['file', 'file', 'file']);
    expect(found[0]).toEqual(found[2]);
    expect(calls).toBe(3); // the app and its .debug once, the library's link once
  });
});

describe('findBinaries and debuginfod', () => {
  it('downloads what is missing into the cache, atomically, and finds it there next time', async () => {
    const cache = join(root, 'cache-net');
    const env = { DEBUGINFOD_CACHE_PATH: cache, DEBUGINFOD_URLS: `${serverUrl}/ ` };
    served.length = 0;
    const [net] = await findBinaries(
      [{ path: '/nowhere/libnet.so', buildId: ID_NET }],
      options({ env }),
      fakeBuildIdOf,
    );
    expect(net?.status).toBe('file');
    expect(net?.image).toBe(join(cache, ID_NET, 'executable'));
    expect(net?.debug).toBeUndefined();
    expect(readFileSync(join(cache, ID_NET, 'executable'), 'utf8')).toBe(`id:${ID_NET}`);
    expect(readdirSync(join(cache, ID_NET))).toEqual(['executable']); // no temporary file left
    expect(served).toEqual([`/buildid/${ID_NET}/executable`, `/buildid/${ID_NET}/debuginfo`]);
    expect(net?.tried).toContain(`${serverUrl}/buildid/${ID_NET}/debuginfo: not on the server (404)`);

    served.length = 0;
    const [again] = await findBinaries(
      [{ path: '/nowhere/libnet.so', buildId: ID_NET }],
      options({ env }),
      fakeBuildIdOf,
    );
    expect(again?.image).toBe(join(cache, ID_NET, 'executable'));
    expect(served).toEqual([`/buildid/${ID_NET}/debuginfo`]);
  });

  it('asks only for what the host wants', async () => {
    const env = { DEBUGINFOD_CACHE_PATH: join(root, 'cache-exe'), DEBUGINFOD_URLS: serverUrl };
    served.length = 0;
    const [net] = await findBinaries(
      [{ path: '/nowhere/e.so', buildId: ID_NET }],
      options({ env, download: ['executable'] }),
      fakeBuildIdOf,
    );
    expect(net?.image).toBe(join(root, 'cache-exe', ID_NET, 'executable'));
    expect(served).toEqual([`/buildid/${ID_NET}/executable`]);
  });

  it('does not store a file with another build-id', async () => {
    const cache = join(root, 'cache-wrong');
    const env = { DEBUGINFOD_CACHE_PATH: cache, DEBUGINFOD_URLS: serverUrl };
    const [wrong] = await findBinaries([{ path: '/nowhere/w.so', buildId: ID_WRONG }], options({ env }), fakeBuildIdOf);
    expect(wrong?.status).toBe('missing');
    expect(wrong?.tried).toContain(`${serverUrl}/buildid/${ID_WRONG}/executable: the file sent has another build-id`);
    expect(readdirSync(join(cache, ID_WRONG))).toEqual([]);
  });

  it('believes a recent miss recorded in the cache', async () => {
    const cache = join(root, 'cache-miss');
    writeFileSync(put(join(cache, ID_NET, 'executable'), undefined), '');
    writeFileSync(join(cache, ID_NET, 'debuginfo'), '');
    const old = new Date(Date.now() - 3600_000);
    utimesSync(join(cache, ID_NET, 'debuginfo'), old, old); // older than cache_miss_s: asked again
    served.length = 0;
    const env = { DEBUGINFOD_CACHE_PATH: cache, DEBUGINFOD_URLS: serverUrl };
    const [net] = await findBinaries([{ path: '/nowhere/n.so', buildId: ID_NET }], options({ env }), fakeBuildIdOf);
    expect(net?.status).toBe('missing');
    expect(served).toEqual([`/buildid/${ID_NET}/debuginfo`]);
  });

  it('gives up a stalled download and skips a server that did not answer', async () => {
    const cache = join(root, 'cache-slow');
    const env = { DEBUGINFOD_CACHE_PATH: cache, DEBUGINFOD_URLS: serverUrl, DEBUGINFOD_TIMEOUT: '0.3' };
    const started = Date.now();
    const [slow, next] = await findBinaries(
      [
        { path: '/nowhere/s.so', buildId: ID_SLOW },
        { path: '/nowhere/s2.so', buildId: ID_SLOW.replace('ff', 'fe') },
      ],
      options({ env }),
      fakeBuildIdOf,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(slow?.status).toBe('missing');
    expect(slow?.tried).toContain(`${serverUrl}/buildid/${ID_SLOW}/executable: stalled for 300 ms`);
    expect(readdirSync(join(cache, ID_SLOW))).toEqual([]);
    // Lookups run side by side: the second module asked before the first stalled, or skipped the server after.
    expect(next?.status).toBe('missing');
  });

  it('reports a server that refuses connections and asks it no more', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const env = { DEBUGINFOD_CACHE_PATH: join(root, 'cache-dead'), DEBUGINFOD_URLS: `${deadUrl} ${serverUrl}` };
    const [net] = await findBinaries([{ path: '/nowhere/d.so', buildId: ID_NET }], options({ env }), fakeBuildIdOf);
    expect(net?.image).toBe(join(root, 'cache-dead', ID_NET, 'executable'));
    expect(net?.tried).toContain(`${deadUrl}/buildid/${ID_NET}/executable: ECONNREFUSED`);
    expect(net?.tried).toContain(`${deadUrl}/buildid/${ID_NET}/debuginfo: skipped, the server did not answer earlier`);
  });

  it('refuses an artifact larger than DEBUGINFOD_MAXSIZE', async () => {
    const env = {
      DEBUGINFOD_CACHE_PATH: join(root, 'cache-max'),
      DEBUGINFOD_URLS: serverUrl,
      DEBUGINFOD_MAXSIZE: '10',
    };
    const [net] = await findBinaries([{ path: '/nowhere/m.so', buildId: ID_NET }], options({ env }), fakeBuildIdOf);
    expect(net?.status).toBe('missing');
    expect(net?.tried.some((t) => /executable: .*DEBUGINFOD_MAXSIZE/.test(t))).toBe(true);
  });
});

describe('environment', () => {
  it('chooses the cache folder as the elfutils client does', () => {
    expect(debuginfodCacheDir({ DEBUGINFOD_CACHE_PATH: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/c');
    expect(debuginfodCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/debuginfod_client');
    expect(debuginfodCacheDir({ DEBUGINFOD_CACHE_PATH: '', HOME: '/h' })).toBe('/h/.cache/debuginfod_client');
  });

  it('reads the server list and limits', () => {
    expect(
      debuginfodUrls({ DEBUGINFOD_URLS: ' https://a.example/  http://b.example  file:///x https://a.example' }),
    ).toEqual(['https://a.example', 'http://b.example']);
    expect(debuginfodUrls({})).toEqual([]);
    expect(downloadLimits({})).toEqual({ stallMs: 90_000 });
    expect(downloadLimits({ DEBUGINFOD_TIMEOUT: '5', DEBUGINFOD_MAXTIME: '60', DEBUGINFOD_MAXSIZE: '1000' })).toEqual({
      stallMs: 5000,
      totalMs: 60_000,
      maxBytes: 1000,
    });
  });
});

describe('findPerfMap', () => {
  it('prefers the file given, else /tmp/perf-<pid>.map when it exists', () => {
    expect(findPerfMap(123, '/some/map')).toBe('/some/map');
    const pid = 2_000_000_000 + (process.pid % 100_000);
    const path = `/tmp/perf-${pid}.map`;
    expect(findPerfMap(pid)).toBeUndefined();
    writeFileSync(path, '1000 10 jitted\n');
    try {
      expect(findPerfMap(pid)).toBe(path);
    } finally {
      rmSync(path);
    }
    expect(findPerfMap(undefined)).toBeUndefined();
    expect(findPerfMap(-1)).toBeUndefined();
  });
});
