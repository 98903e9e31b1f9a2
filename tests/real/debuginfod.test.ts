/**
 * The CLI's binary search against a real debuginfod server (elfutils' `debuginfod -F`) on loopback, serving a
 * gcc-built program: found by build-id, downloaded into an empty client cache laid out as elfutils' client lays it
 * out, found in the cache once the server is gone, and not looked up offline. Build-ids are read with `readelf -n`.
 * Only 127.0.0.1 is contacted; the server is started without DEBUGINFOD_URLS, so it asks no upstream either.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinaries, type FinderOptions } from '../../src/cli/binary-finder';
import { hasCommand } from './dump-tools';

const execFileAsync = promisify(execFile);
const DEBUGINFOD = '/usr/bin/debuginfod';
const missingTool = !existsSync(DEBUGINFOD)
  ? `${DEBUGINFOD} is not installed`
  : !hasCommand('gcc')
    ? 'gcc is not installed'
    : !hasCommand('readelf')
      ? 'readelf is not installed'
      : undefined;

/** The GNU build-id as `readelf -n` prints it ("Build ID: <hex>"). */
async function readelfBuildId(path: string): Promise<string | undefined> {
  try {
    const { stdout: notes } = await execFileAsync('readelf', ['-n', path], { encoding: 'utf8' });
    return /Build ID:\s*([0-9a-f]+)/.exec(notes)?.[1];
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let root: string;
let program: string;
let buildId: string;
let url: string;
let server: ChildProcess | undefined;

describe.skipIf(missingTool !== undefined)('debuginfod (real server on loopback)', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'coreview-debuginfod-'));
    mkdirSync(join(root, 'served'));
    writeFileSync(join(root, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n');
    program = join(root, 'served', 'hello');
    execFileSync('gcc', ['-g', '-O1', '-Wl,--build-id', '-o', program, join(root, 'hello.c')]);
    const id = await readelfBuildId(program);
    if (id === undefined) throw new Error('gcc wrote no build-id');
    buildId = id;

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: root };
    delete env.DEBUGINFOD_URLS;
    server = spawn(
      DEBUGINFOD,
      ['-F', join(root, 'served'), '-p', String(port), '-d', join(root, 'db.sqlite'), '-t', '0', '-g', '0'],
      { env, stdio: 'ignore' },
    );
    // The server scans its folder after it starts: wait until it serves the program.
    const deadline = Date.now() + 60_000;
    for (;;) {
      // GET: this server answers HEAD with 400.
      const status = await fetch(`${url}/buildid/${buildId}/executable`).then(
        async (r) => (await r.body?.cancel(), r.status),
        () => 0,
      );
      if (status === 200) break;
      if (Date.now() > deadline) throw new Error(`debuginfod did not serve ${buildId} within 60 s (last: ${status})`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  afterAll(() => {
    server?.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  });

  const options = (cache: string, offline: boolean): FinderOptions => ({
    debugDirs: [join(root, 'no-debug-dir')],
    offline,
    env: { DEBUGINFOD_URLS: url, DEBUGINFOD_CACHE_PATH: cache, DEBUGINFOD_TIMEOUT: '20' },
  });
  // The dump names a path that is not on this machine: only the server has the file.
  const module = (): { path: string; buildId: string } => ({ path: '/opt/gone/hello', buildId });

  it('downloads the executable and its debuginfo into an empty cache', async () => {
    const cache = join(root, 'cache');
    const [found] = await findBinaries([module()], options(cache, false), readelfBuildId);
    expect(found?.status).toBe('file');
    expect(found?.image).toBe(join(cache, buildId, 'executable'));
    expect(found?.debug).toBe(join(cache, buildId, 'debuginfo'));
    expect(readFileSync(join(cache, buildId, 'executable'))).toEqual(readFileSync(program));
    expect(await readelfBuildId(join(cache, buildId, 'debuginfo'))).toBe(buildId);
    expect(readdirSync(join(cache, buildId)).sort()).toEqual(['debuginfo', 'executable']);
    expect(found?.tried).toContain(`${url}/buildid/${buildId}/executable: downloaded to ${found?.image}`);
  });

  it('finds them in the cache without the server, and looks at nothing offline', async () => {
    server?.kill('SIGTERM');
    await new Promise((resolve) => server?.once('exit', resolve));
    const cache = join(root, 'cache');
    const [cached] = await findBinaries([module()], options(cache, false), readelfBuildId);
    expect(cached?.image).toBe(join(cache, buildId, 'executable'));
    expect(cached?.debug).toBe(join(cache, buildId, 'debuginfo'));
    expect(cached?.tried.some((t) => t.startsWith(url))).toBe(false);
    if (hasCommand('debuginfod-find')) {
      // elfutils' own client takes what was stored as its own cache entry (its server is gone: from the cache).
      const env = { ...process.env, DEBUGINFOD_CACHE_PATH: cache, DEBUGINFOD_URLS: url };
      const path = execFileSync('debuginfod-find', ['executable', buildId], { env, encoding: 'utf8' }).trim();
      expect(path).toBe(join(cache, buildId, 'executable'));
    }

    const empty = join(root, 'cache-offline');
    const [offline] = await findBinaries([module()], options(empty, true), readelfBuildId);
    expect(offline).toEqual({ status: 'missing', tried: ['offline: only the dump is read'] });
    expect(existsSync(empty)).toBe(false);
  });
});

if (missingTool !== undefined) console.log(`debuginfod tests skipped: ${missingTool}`);
