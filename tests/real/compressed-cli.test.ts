/**
 * `coreview` on a real kernel core compressed four ways (.gz, .zst, .xz, .lz4): the JSON equals the plain core's
 * but for dump.name (the opened file's), dump.size (the decompressed size, so equal) and dump.compression; with
 * --scan too (the scan workers read the decoded copy). The temporary copy is gone after the command, after an
 * error and after SIGTERM; a corrupt file gets a one-line message.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDump } from '../../scripts/dumps/make-dump.mjs';
import { hasCommand, producerSkipReason } from './dump-tools';
import { CLI } from './stacks-cli';

const FORMATS = [
  { compression: 'gzip', suffix: 'gz', command: ['gzip', '-c', '-1'] },
  { compression: 'zstd', suffix: 'zst', command: ['zstd', '-c', '-q', '-T2'] },
  { compression: 'xz', suffix: 'xz', command: ['xz', '-c', '-0', '-T2'] },
  { compression: 'lz4', suffix: 'lz4', command: ['lz4', '-c', '-q'] },
] as const;

const skip = !hasCommand('gcc')
  ? 'gcc is not installed (needed to build scripts/dumps/threads.c)'
  : producerSkipReason('kernel');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('coreview on compressed cores', () => {
  if (skip !== undefined) {
    it.skip(`skipped: ${skip}`, () => {});
    return;
  }
  let dir = '';
  /** The TMPDIR the CLI runs with: must be empty after every run. */
  let temp = '';
  let core = '';

  const run = (args: readonly string[]): Run => {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: temp },
      maxBuffer: 1 << 28,
      timeout: 120_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const json = (args: readonly string[]): Record<string, unknown> & { dump: Record<string, unknown> } => {
    const r = run(args);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as never;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coreview-compressed-'));
    temp = join(dir, 'tmp');
    spawnSync('mkdir', [temp]);
    const made = await makeDump({ threads: 3, producer: 'kernel', outDir: join(dir, 'dump'), timeoutMs: 30_000 });
    core = made.core;
    for (const f of FORMATS) {
      if (!hasCommand(f.command[0])) continue;
      const r = spawnSync(f.command[0], [...f.command.slice(1), core], { maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`${f.command.join(' ')} failed: ${r.stderr.toString()}`);
      writeFileSync(join(dir, `core.${f.suffix}`), r.stdout);
    }
  }, 120_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (const f of FORMATS) {
    it.skipIf(!hasCommand(f.command[0]))(
      `a .${f.suffix} core gives the plain core's JSON (and with --scan)`,
      () => {
        const file = join(dir, `core.${f.suffix}`);
        for (const extra of [[], ['--scan']]) {
          const plain = json([core, '--json', ...extra]);
          const compressed = json([file, '--json', ...extra]);
          expect(compressed.dump.name).toBe(`core.${f.suffix}`);
          expect(compressed.dump.compression).toBe(f.compression);
          expect(compressed.dump.size).toBe(plain.dump.size);
          const { name: _n, compression: _c, ...rest } = compressed.dump;
          const { name: _p, ...plainRest } = plain.dump;
          expect({ ...compressed, dump: rest }).toEqual({ ...plain, dump: plainRest });
          expect(readdirSync(temp)).toEqual([]);
        }
      },
      120_000,
    );
  }

  it.skipIf(!hasCommand('zstd'))('the tables print from a .zst, and a corrupt one gets one clear line', () => {
    const table = run([join(dir, 'core.zst')]);
    expect(table.status).toBe(0);
    expect(table.stdout).toBe(run([core]).stdout);
    const bytes = readFileSync(join(dir, 'core.zst'));
    for (let i = 0; i < 32; i++) bytes[Math.floor(bytes.length / 3) + i * 31]! ^= 0xa5;
    const bad = join(dir, 'bad.zst');
    writeFileSync(bad, bytes);
    const r = run([bad, '--json']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^coreview: error: .*bad\.zst: the \.zst data (is corrupt (at|near) byte \d+|ends early)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(temp)).toEqual([]);
  });

  it.skipIf(!hasCommand('zstd'))(
    'SIGTERM while decoding removes the temporary file',
    async () => {
      // 3 GB of zeros: a few hundred KB compressed, seconds to write out.
      const big = join(dir, 'zeros.zst');
      const z = spawnSync('sh', ['-c', `head -c 3000000000 /dev/zero | zstd -q -c -1 > '${big}'`]);
      expect(z.status).toBe(0);
      const child = spawn(process.execPath, [CLI, big, '--json'], {
        env: { ...process.env, TMPDIR: temp },
        stdio: 'ignore',
      });
      const ended = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      // Wait for the temporary copy to appear, then stop the command.
      for (let i = 0; i < 200 && readdirSync(temp).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(readdirSync(temp)).toHaveLength(1);
      child.kill('SIGTERM');
      expect(await ended).toBe('SIGTERM');
      expect(readdirSync(temp)).toEqual([]);
      expect(existsSync(big)).toBe(true);
    },
    60_000,
  );
});
