/**
 * The findings over real core dumps of scripts/dumps/threads.c (40 workers blocked in recv() on glibc's default
 * 8 MiB stacks, two malloc arenas), checked against /proc/PID/maps captured before dumping: the stack reservation
 * the finding reports is the sum of the stack mappings and their guard pages there, and the advice is sized from
 * the census's high-water marks. Each producer skips with one line where it cannot dump.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDump, type MadeDump } from '../../scripts/dumps/make-dump.mjs';
import { NodeFileSource } from '../../src/cli/node-file-source';
import { analyzeCore } from '../../src/core/analyze';
import { computeFindings, suggestedStackSize } from '../../src/core/model/findings';
import { stackHighWater } from '../../src/core/scan/census-summary';
import type { Analysis, Finding } from '../../src/core/types';
import { runCensus } from '../helpers/sequential-scans';
import { hasCommand, producerSkipReason } from '../real/dump-tools';
import { parseMaps, type Mapping } from '../real/proc-maps';

const WORKERS = 40;
const STACK_KB = 8192;
const MiB = 1024 * 1024;

/** Thread stacks as /proc/PID/maps shows them: [stack], and each 8 MiB anonymous rw- mapping with the guard below. */
function stackBytes(maps: readonly Mapping[]): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  maps.forEach((m, i) => {
    const size = Number(m.end - m.start);
    if (m.path === '[stack]') {
      count++;
      bytes += size;
      return;
    }
    if (m.path !== '' || m.perms !== 'rw-' || size !== STACK_KB * 1024) return;
    count++;
    bytes += size;
    const below = maps[i - 1];
    if (below !== undefined && below.end === m.start && below.perms === '---' && below.path === '') {
      bytes += Number(below.end - below.start);
    }
  });
  return { count, bytes };
}

for (const producer of ['kernel', 'gcore'] as const) {
  const reason = hasCommand('gcc') ? producerSkipReason(producer) : 'gcc is not installed (needed to build threads.c)';
  describe(`findings over a real ${producer} core of threads ${WORKERS}`, () => {
    if (reason !== undefined) {
      it.skip(`skipped: ${reason}`, () => {});
      return;
    }
    let dir = '';
    let dump: MadeDump;
    let maps: Mapping[] = [];
    let analysis: Analysis;
    let findings: Finding[] = [];
    let deepest = 0;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `coreview-findings-${producer}-`));
      dump = await makeDump({ threads: WORKERS, producer, outDir: dir, stackKb: STACK_KB, timeoutMs: 60_000 });
      maps = parseMaps(readFileSync(dump.maps, 'utf8'));
      const source = await NodeFileSource.open(dump.core);
      try {
        analysis = await analyzeCore(source);
        const census = await runCensus(source, analysis.regions, { pageSize: analysis.dump.pageSize });
        const touched = new Float64Array(census.map((c) => c.touchedBytes));
        const threadDepth = new Float64Array(
          analysis.threads.map((t) => {
            const r = analysis.regions[t.stackRegion ?? -1];
            const c = census[t.stackRegion ?? -1];
            return r === undefined || c === undefined ? NaN : stackHighWater(c, r).depth;
          }),
        );
        threadDepth.forEach((d, i) => {
          if (analysis.threads[i]?.tid !== dump.meta.pid && d > deepest) deepest = d;
        });
        findings = computeFindings({ analysis, census: { touched, threadDepth } });
      } finally {
        await source.close();
      }
    }, 90_000);

    afterAll(() => {
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    });

    it('reports the stacks /proc/PID/maps shows, and sizes the advice from the census', () => {
      const truth = stackBytes(maps);
      expect(truth.count).toBe(WORKERS + 1);
      const f = findings.find((x) => x.id === 'thread-stacks-reserve');
      expect(f?.title).toBe(`${WORKERS + 1} thread stacks reserve ${(truth.bytes / MiB).toFixed(2)} MiB`);
      expect(f?.detail).toContain(`${WORKERS + 1} threads × 8.00 MiB (stack and guard page`);
      // A thread blocked in recv() with a 512-byte buffer, its TCB at the top of its stack: a few pages deep.
      expect(deepest).toBeGreaterThan(0);
      expect(deepest).toBeLessThanOrEqual(64 * 1024);
      expect(suggestedStackSize(deepest)).toBe(256 * 1024);
      expect(f?.advice).toContain('Start the process with ulimit -s 256 (KiB)');
      expect(f?.advice).toContain('pthread_attr_setstacksize(&attr, 262144)');
    });

    it('finds no arena problem (threads.c caps malloc at two arenas) and nothing missing that matters', () => {
      expect(findings.map((x) => x.id)).not.toContain('glibc-arenas');
      expect(findings.map((x) => x.id)).not.toContain('dotnet-gc-reserve');
      expect(findings.filter((x) => x.id === 'incomplete-dump')).toEqual([]);
    });
  });
}
