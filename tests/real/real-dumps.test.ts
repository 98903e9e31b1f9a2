/**
 * Real core dumps of our own program (scripts/dumps/threads.c: 6 threads blocked in recv() on default 8 MiB
 * stacks), made by the kernel (abort() under `ulimit -c unlimited`) and by gdb's gcore, checked against
 * /proc/PID/maps and /proc/PID/task captured just before dumping.
 *
 * Two layers per producer: "the dump itself" checks the core with readelf (independent of the engine, so a
 * producer whose policy differs from proc-maps.ts's rules is told apart from an engine bug), then the engine's
 * analysis is checked against the same truth.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDump, type MadeDump } from '../../scripts/dumps/make-dump.mjs';
import { analyzeCore } from '../../src/core/analyze';
import { NodeFileSource } from '../../src/cli/node-file-source';
import { settleAfterCensus } from '../../src/core/model/after-census';
import { runCensus } from '../helpers/sequential-scans';
import type { Analysis, Region } from '../../src/core/types';
import { PatchedSource } from '../helpers/sparse-source';
import { hasCommand, producerSkipReason } from './dump-tools';
import { hex, omittedBy, parseMaps, permsInCore, type Mapping, type Producer } from './proc-maps';

const WORKERS = 6;
const STACK_KB = 8192;
/** The .NET RID string threads.c copies into its brk heap (and into an mmap'd block). */
const RID = 'centos.7-x64';

function skipReason(producer: Producer): string | undefined {
  if (!hasCommand('gcc')) return 'gcc is not installed (needed to build scripts/dumps/threads.c)';
  return producerSkipReason(producer);
}

interface Load {
  readonly vaddr: bigint;
  readonly memsz: bigint;
  readonly filesz: bigint;
  /** "RWE" letters as readelf prints them, spaces removed ("" for none). */
  readonly flags: string;
}

/** PT_LOADs as binutils readelf prints them: Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg(0–3 words) Align. */
function readelfLoads(core: string): Load[] {
  const out = spawnSync('readelf', ['-W', '-l', core], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`readelf failed: ${out.stderr}`);
  return out.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((words) => words[0] === 'LOAD')
    .map((words) => ({
      vaddr: BigInt(words[2] ?? ''),
      filesz: BigInt(words[4] ?? ''),
      memsz: BigInt(words[5] ?? ''),
      flags: words.slice(6, -1).join(''),
    }));
}

function flagsToPerms(flags: string): string {
  return `${flags.includes('R') ? 'r' : '-'}${flags.includes('W') ? 'w' : '-'}${flags.includes('E') ? 'x' : '-'}`;
}

/** The regions overlapping [start, end), in address order (analysis.regions is sorted and non-overlapping). */
function regionsIn(regions: readonly Region[], start: bigint, end: bigint): Region[] {
  return regions.filter((r) => r.start < end && r.end > start);
}

function mappingAt(maps: readonly Mapping[], address: bigint): Mapping | undefined {
  return maps.find((m) => address >= m.start && address < m.end);
}

for (const producer of ['kernel', 'gcore'] as const) {
  const reason = skipReason(producer);
  describe(`a real ${producer} core of threads ${WORKERS}`, () => {
    if (reason !== undefined) {
      it.skip(`skipped: ${reason}`, () => {});
      return;
    }

    let dir = '';
    let dump: MadeDump;
    let maps: Mapping[] = [];
    let tids: number[] = [];
    let analysis: Analysis;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `coreview-real-${producer}-`));
      // --brk-holes: three no-access pages inside the brk heap split [heap] into seven mappings; --reserve: a 1 MiB
      // no-access reservation, which gcore writes as readable zeros.
      dump = await makeDump({
        threads: WORKERS,
        producer,
        outDir: dir,
        stackKb: STACK_KB,
        timeoutMs: 30_000,
        programArgs: ['--brk-holes', '--reserve'],
      });
      maps = parseMaps(readFileSync(dump.maps, 'utf8'));
      tids = readFileSync(dump.tids, 'utf8').split('\n').filter(Boolean).map(Number);
      const source = await NodeFileSource.open(dump.core);
      try {
        analysis = await analyzeCore(source);
      } finally {
        await source.close();
      }
    });

    afterAll(() => {
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    });

    it('made the process it meant to: main + workers, 8 MiB worker stacks', () => {
      expect(tids).toHaveLength(WORKERS + 1);
      expect(tids[0]).toBe(dump.meta.pid);
      const stacks = maps.filter(
        (m) => m.path === '' && m.perms === 'rw-' && m.end - m.start === BigInt(STACK_KB * 1024),
      );
      expect(stacks.length).toBeGreaterThanOrEqual(WORKERS);
    });

    it.skipIf(!hasCommand('readelf'))('the dump itself (readelf): a PT_LOAD per mapping, as proc-maps.ts says', () => {
      const loads = readelfLoads(dump.core);
      const byStart = new Map(loads.map((l) => [l.vaddr, l]));
      const problems: string[] = [];
      for (const m of maps) {
        const load = byStart.get(m.start);
        const omitted = omittedBy(producer, m);
        if (load === undefined) {
          if (omitted === undefined) problems.push(`no PT_LOAD for ${m.line}`);
          continue;
        }
        if (load.vaddr + load.memsz !== m.end)
          problems.push(`PT_LOAD at ${hex(m.start)} has memsz ${hex(load.memsz)}: ${m.line}`);
        if (!permsInCore(producer, m).includes(flagsToPerms(load.flags))) {
          problems.push(`PT_LOAD at ${hex(m.start)} has flags '${load.flags}': ${m.line}`);
        }
        // p_filesz: the kernel writes 0, one page (an ELF header) or all of it; gcore all of it (or 0 for a
        // read-only range it can read back from a file on disk).
        const page = 4096n;
        const okFilesz = producer === 'kernel' ? [0n, page, load.memsz] : [0n, load.memsz];
        if (!okFilesz.includes(load.filesz))
          problems.push(`PT_LOAD at ${hex(m.start)} has p_filesz ${hex(load.filesz)}`);
      }
      for (const l of loads) {
        if (!maps.some((m) => m.start === l.vaddr)) problems.push(`PT_LOAD at ${hex(l.vaddr)} matches no mapping`);
      }
      expect(problems).toEqual([]);
    });

    it('has every mapping of /proc/PID/maps as regions with its range and permissions', () => {
      // The engine makes one region per PT_LOAD, split only where NT_FILE entries subdivide a segment
      // (regions.ts); so a mapping is one region, or several that tile it exactly, cut at NT_FILE boundaries.
      const fileEdges = new Set(analysis.files.flatMap((f) => [f.start, f.end]));
      const problems: string[] = [];
      for (const m of maps) {
        if (omittedBy(producer, m) !== undefined) continue;
        const pieces = regionsIn(analysis.regions, m.start, m.end);
        let cursor = m.start;
        for (const r of pieces) {
          if (r.start !== cursor) problems.push(`${m.line}: region at ${hex(r.start)}, expected one at ${hex(cursor)}`);
          if (r.start !== m.start && !fileEdges.has(r.start))
            problems.push(`${m.line}: split at ${hex(r.start)}, not an NT_FILE edge`);
          if (!permsInCore(producer, m).includes(r.perms))
            problems.push(`${m.line}: region ${hex(r.start)} has perms ${r.perms}`);
          cursor = r.end;
        }
        if (cursor !== m.end) problems.push(`${m.line}: regions end at ${hex(cursor)}`);
      }
      expect(problems).toEqual([]);
    });

    it('has no region outside the mappings', () => {
      const strays = analysis.regions.filter((r) => {
        const m = mappingAt(maps, r.start);
        return m === undefined || r.end > m.end;
      });
      expect(strays.map((r) => `${hex(r.start)}-${hex(r.end)} ${r.perms} ${r.kind}`)).toEqual([]);
    });

    it('knows the process and the producer', () => {
      expect(analysis.process.pid).toBe(dump.meta.pid);
      expect(analysis.dump.producer.name).toBe(producer === 'kernel' ? 'kernel' : 'gdb gcore');
      expect(analysis.process.executable).toBe(dump.meta.exe);
    });

    it('lists every thread of /proc/PID/task', () => {
      expect([...analysis.threads.map((t) => t.tid)].sort((a, b) => a - b)).toEqual([...tids].sort((a, b) => a - b));
      if (producer === 'kernel') {
        // The main thread called abort(): the kernel writes the signalled thread first and repeats cursig.
        expect(analysis.threads[0]?.tid).toBe(dump.meta.pid);
        expect(analysis.threads[0]?.crashed).toBe(true);
        expect(analysis.threads.every((t) => t.signal === 6)).toBe(true);
        expect(analysis.process.signalName).toBe('SIGABRT');
      } else {
        expect(analysis.threads.every((t) => t.signal === 0 && !t.crashed)).toBe(true);
      }
    });

    it("tags each thread's stack region 'Stack' with its tid", () => {
      for (const t of analysis.threads) {
        const where = `thread ${t.tid}`;
        expect(t.sp, where).toBeDefined();
        expect(t.stackRegion, where).toBeDefined();
        const r = analysis.regions[t.stackRegion ?? -1];
        expect(r, where).toBeDefined();
        if (r === undefined || t.sp === undefined) continue;
        expect({ kind: r.kind, tid: r.tid }, where).toEqual({ kind: 'Stack', tid: t.tid });
        expect(t.sp >= r.start && t.sp < r.end, where).toBe(true);
        const m = mappingAt(maps, t.sp);
        expect(m && { start: hex(m.start), end: hex(m.end) }, where).toEqual({ start: hex(r.start), end: hex(r.end) });
        if (t.tid === dump.meta.pid) expect(m?.path, where).toBe('[stack]');
        else expect(r.size, where).toBe(STACK_KB * 1024); // glibc's default: `ulimit -s`, guard page apart
      }
    });

    it("tags every piece of the brk heap ('[heap]' in maps, split by --brk-holes) Heap, holes no-access", () => {
      const heap = maps.filter((m) => m.path === '[heap]');
      expect(heap.map((m) => m.perms)).toEqual(['rw-', '---', 'rw-', '---', 'rw-', '---', 'rw-']);
      const problems: string[] = [];
      for (const m of heap) {
        const regions = regionsIn(analysis.regions, m.start, m.end);
        // gcore leaves out the never-written holes (see omittedBy); everything the core has must be Heap.
        if (regions.length === 0 && omittedBy(producer, m) !== undefined) continue;
        const got = regions.map((r) => `${r.kind} ${r.state} ${r.heuristic?.name}`);
        const state = m.perms === '---' ? 'MEM_RESERVE' : 'MEM_COMMIT';
        if (got.join() !== `Heap ${state} brk-heap-after-executable`)
          problems.push(`${m.line}: ${got.join(', ') || 'no region'}`);
      }
      expect(problems).toEqual([]);
      const present = heap.filter((m) => regionsIn(analysis.regions, m.start, m.end).length > 0).length;
      expect(present).toBe(producer === 'kernel' ? 7 : 4);
    });

    it('after the census, shows every anonymous no-access mapping in the core as no-access (MEM_RESERVE) or a stack guard', async () => {
      const source = await NodeFileSource.open(dump.core);
      let settled: Analysis;
      try {
        settled = settleAfterCensus(
          analysis,
          (await runCensus(source, analysis.regions)).map((c) => c.touchedBytes),
        );
      } finally {
        await source.close();
      }
      const noAccess = maps.filter((m) => m.perms === '---' && m.inode === 0 && m.path === '');
      const problems = noAccess.flatMap((m) =>
        regionsIn(settled.regions, m.start, m.end)
          .filter((r) => r.state !== 'MEM_RESERVE' && r.kind !== 'StackGuard')
          .map((r) => `${m.line}: ${r.kind} ${r.state}`),
      );
      expect(problems).toEqual([]);
      // --reserve's 1 MiB: [RESERVED] in both; in a gcore only after the census (heuristic gcore-noaccess-as-readonly).
      const reserved = noAccess
        .filter((m) => m.end - m.start === 1n << 20n)
        .flatMap((m) => regionsIn(settled.regions, m.start, m.end));
      expect(reserved.map((r) => [r.kind, r.heuristic?.name])).toEqual([
        ['[RESERVED]', producer === 'gcore' ? 'gcore-noaccess-as-readonly' : undefined],
      ]);
      if (producer === 'gcore') {
        const before = regionsIn(analysis.regions, reserved[0]?.start ?? 0n, reserved[0]?.end ?? 0n);
        expect(before.map((r) => [r.kind, r.heuristic?.name])).toEqual([
          ['PAGE_READONLY', 'gcore-noaccess-as-readonly'],
        ]);
      }
    });

    it("tags the malloc arena's 64 MiB reservation Heap (glibc-arena-heap-info), as maps lays it out", () => {
      // threads.c's workers malloc, so glibc gives them an arena (M_ARENA_MAX 2: main + one): in maps, an anonymous
      // read-write mapping at a 64 MiB-aligned address, then no-access up to the next 64 MiB boundary.
      const window = 64n << 20n;
      const head = maps.find((m) => m.path === '' && m.perms.startsWith('rw') && m.start % window === 0n);
      expect(head).toBeDefined();
      const start = head?.start ?? 0n;
      const regions = regionsIn(analysis.regions, start, start + window);
      expect(regions[0]?.start).toBe(start);
      expect(regions.at(-1)?.end).toBe(start + window);
      expect(regions.map((r) => [r.kind, r.heuristic?.name])).toEqual(
        regions.map(() => ['Heap', 'glibc-arena-heap-info']),
      );
    });

    it('without its NT_FILE note, names the loaded images from the link map as NT_FILE did', async () => {
      // The same core with NT_FILE's type changed to one nobody reads: the engine must fall back to ld.so's list.
      const note = analysis.dump.notes.find((n) => n.name === 'CORE' && n.typeName === 'NT_FILE');
      expect(note).toBeDefined();
      const type = new Uint8Array(4);
      new DataView(type.buffer).setUint32(0, 0x46494c00, true);
      const source = await NodeFileSource.open(dump.core);
      let blind: Analysis;
      try {
        blind = await analyzeCore(new PatchedSource(source, (note?.offset ?? 0) + 8, type));
      } finally {
        await source.close();
      }
      expect(
        blind.dump.warnings.some((w) =>
          w.includes("named from the process's own records (the dynamic linker's link map at"),
        ),
      ).toBe(true);
      // Names by their last part: ld.so's path may differ from the kernel's (/lib vs /usr/lib with a merged /usr).
      const base = (path: string | undefined) => path?.slice(path.lastIndexOf('/') + 1) ?? '';
      const placed = new Set(blind.modules.map((m) => base(m.path)));
      expect([...placed]).toEqual(expect.arrayContaining(['threads', 'libc.so.6']));
      // Where an image's pages are in the dump, the link map gives it its NT_FILE ranges (gcore leaves out
      // unmodified read-only pages, ld.so's header among them: such an image can be named but not placed).
      const images = (a: Analysis) =>
        a.regions
          .filter((r) => r.kind === 'Image' && r.inDump > 0 && placed.has(base(r.image)))
          .map((r) => `${hex(r.start)}-${hex(r.end)} ${base(r.image)}`);
      expect(images(blind)).toEqual(images(analysis));
      const modules = (a: Analysis) =>
        a.modules.filter((m) => placed.has(base(m.path))).map((m) => `${hex(m.start)} ${base(m.path)} ${m.buildId}`);
      expect(modules(blind)).toEqual(modules(analysis));
      expect(blind.regions.find((r) => r.kind === 'Image')?.heuristic?.name).toBe('image-without-nt-file');
    });

    it(`places the heap copy of "${RID}" at its heap address via the regions' dump offsets`, () => {
      // An independent search of the file: every hit must fall in a region's dumped bytes, and one of them must
      // translate (region.start + offset - region.dumpOffset) into the [heap] mapping, where threads.c put it.
      const bytes = readFileSync(dump.core);
      const needle = Buffer.from(RID);
      const heap = maps.find((m) => m.path === '[heap]');
      const addresses: bigint[] = [];
      for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) {
        const r = analysis.regions.find((x) => at >= x.dumpOffset && at < x.dumpOffset + x.inDump);
        if (r !== undefined) addresses.push(r.start + BigInt(at - r.dumpOffset));
      }
      expect(addresses.length).toBeGreaterThan(0);
      expect(addresses.some((a) => heap !== undefined && a >= heap.start && a < heap.end)).toBe(true);
    });
  });
}
