/**
 * `coreview a b --compare`: two real kernel dumps of scripts/dumps/threads.c, with 50 and 200 worker threads
 * blocked in recv(), compared by the built CLI. The process differs by 150 threads, each with its own Stack region
 * and its own recv() stack: the Stack row counts 150 more regions, the largest stack group 150 more threads, and
 * both groups are matched although the two processes' libraries sit at other addresses (ASLR). A report saved by
 * `--json --stacks` compares as its dump does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDump, type MadeDump } from '../../scripts/dumps/make-dump.mjs';
import type { CompareDocument } from '../../src/core/compare/compare-document';
import { hasCommand, producerSkipReason } from './dump-tools';
import { CLI } from './stacks-cli';

function skipReason(): string | undefined {
  if (!hasCommand('gcc')) return 'gcc is not installed (needed to build scripts/dumps/threads.c)';
  return producerSkipReason('kernel');
}

function coreview(args: readonly string[]): { stdout: string; stderr: string; status: number | null } {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, DEBUGINFOD_URLS: '' },
  });
}

function compareJson(a: string, b: string): CompareDocument {
  const out = coreview([a, b, '--compare', '--json']);
  if (out.status !== 0) throw new Error(`coreview exited ${out.status}: ${out.stderr}`);
  return JSON.parse(out.stdout) as CompareDocument;
}

const skip = skipReason();

describe.skipIf(skip !== undefined)('two real dumps compared (50 and 200 threads)', () => {
  let dir = '';
  let small: MadeDump;
  let large: MadeDump;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coreview-compare-'));
    small = await makeDump({ threads: 50, producer: 'kernel', outDir: join(dir, 'small') });
    large = await makeDump({ threads: 200, producer: 'kernel', outDir: join(dir, 'large') });
  }, 180_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('--compare --json: the Stack row and the largest stack group differ by 150', () => {
    const c = compareJson(small.core, large.core);
    expect(c.format).toBe('coreview-compare');
    expect(c.threads).toEqual({ a: 51, b: 201, diff: 150, percent: 294.12 });
    const stack = c.kinds.find((k) => k.kind === 'Stack');
    expect(stack?.count.diff).toBe(150);
    // The biggest difference comes first: 150 more 8 MiB stacks.
    expect(c.kinds[0]?.kind).toBe('Stack');
    expect(stack?.size.diff).toBe(150 * 8 * 1024 * 1024);
    expect(stack?.link).toEqual({ view: 'regions', kind: 'Stack' });
    const largest = c.stackGroups?.[0];
    expect(largest).toMatchObject({ status: 'grew', threads: { a: 50, b: 200, diff: 150 } });
    expect(largest?.frames.some((f) => f.symbol === 'worker_main')).toBe(true);
    expect(largest?.link).toEqual({ view: 'threads', tids: largest?.tidsA });
    // The main thread's group is the same on both sides, matched by names across the two address layouts.
    expect(c.stackGroups?.filter((g) => g.status === 'same').map((g) => g.threads.a)).toEqual([1]);
    expect(c.stackGroups?.some((g) => g.status === 'new' || g.status === 'gone')).toBe(false);
    expect(c.stackSizes.byReserve[0]).toMatchObject({ size: 8 * 1024 * 1024, threads: { a: 50, b: 200 } });
    // The same findings on both sides with other figures: changed, not one only in A and one only in B.
    const changed = c.findings?.changed.find((f) => f.id === 'same-stack');
    expect(changed?.a.title).toMatch(/^50 threads in /);
    expect(changed?.b.title).toMatch(/^200 threads in /);
    expect(changed?.link).toEqual({ view: 'threads', tids: largest?.tidsA });
    expect(c.findings?.changed.map((f) => f.id)).toContain('thread-stacks-reserve');
    expect([...(c.findings?.onlyA ?? []), ...(c.findings?.onlyB ?? [])]).toEqual([]);
  }, 120_000);

  it('--compare prints the same differences as text', () => {
    const out = coreview([small.core, large.core, '--compare']);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('Threads: 51 → 201 (+150, +294.12%)');
    expect(out.stdout).toMatch(/\| Stack +\| +51 \| +201 \| +\+150 \|/);
    expect(out.stdout).toMatch(/\| +50 \| +200 \| \+150 \| grew +\| .*worker_main/);
    expect(out.stdout).toMatch(
      /Findings changed \(A → B\):\n {2}\[warning\] 50 threads in .*\(same-stack\)\n {4}→ \[warning\] 200 threads in /,
    );
  }, 120_000);

  it('a report saved with --json --stacks compares as its dump', () => {
    const saved = coreview([large.core, '--json', '--stacks']);
    expect(saved.status).toBe(0);
    const report = join(dir, 'large.json');
    writeFileSync(report, saved.stdout);
    const fromReport = compareJson(small.core, report);
    const fromDump = compareJson(small.core, large.core);
    expect(fromReport).toEqual(fromDump);
  }, 120_000);
});
