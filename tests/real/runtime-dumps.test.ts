/**
 * Real core dumps of managed runtimes (a .NET Core 2.0 process with 20 threads blocked in Socket.Receive, a Node.js
 * process holding some heap; see scripts/dumps/make-runtime-dump.mjs), each by the kernel, gdb's gcore and, for
 * .NET, the runtime's own createdump, run through the CLI (`--json`, then `--scan --json`) and held to what the
 * process really was: /proc/PID/maps read just before dumping and the machine's /etc/os-release.
 *
 * A dump that cannot be made here (no mono-mcs, no gdb, a piped core_pattern, no registry to install the .NET
 * runtime from, a producer that cannot dump on this system) skips its tests with one line saying why.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import {
  MakeDumpError,
  makeRuntimeDump,
  type MadeRuntimeDump,
  type Runtime,
  type RuntimeDumpProducer,
} from '../../scripts/dumps/make-runtime-dump.mjs';
import { hasCommand, producerSkipReason } from './dump-tools';
import { hex, parseMaps, type Mapping } from './proc-maps';

/** COREVIEW_KEEP_DUMPS=1 keeps each dump's folder (core, maps.txt, os-release, …) to look into a failure. */
const KEEP = process.env.COREVIEW_KEEP_DUMPS === '1';

const CLI = fileURLToPath(new URL('../../bin/coreview.cjs', import.meta.url));

/** The parts of the `--json` document these tests read. */
interface JsonRegion {
  readonly kind: string;
  readonly start: string;
  readonly end: string;
  readonly state: string;
  readonly protect: string;
  readonly heuristic?: { readonly name: string };
  readonly touched?: number;
}
interface JsonDocument {
  readonly dump: { readonly producer: string; readonly producerEvidence?: string };
  readonly process: {
    readonly os?: {
      readonly name: string;
      readonly source?: string;
      readonly evidence?: string;
      readonly ranked?: readonly unknown[];
    };
    readonly runtime?: { readonly name: string; readonly version?: string; readonly evidence?: string };
  };
  readonly regions: readonly JsonRegion[];
  readonly totals: readonly {
    readonly kind: string;
    readonly size: number;
    readonly percent: number;
    readonly heuristic?: boolean;
  }[];
  readonly threads: readonly { readonly tid: number; readonly stackStart?: string }[];
}

/** Why this dump cannot be made on this machine, known before trying (a missing tool); undefined when it can be tried. */
function staticSkipReason(runtime: Runtime, producer: RuntimeDumpProducer): string | undefined {
  if (platform() !== 'linux') return `not Linux (${platform()})`;
  if (runtime === 'dotnet') {
    if (arch() !== 'x64' && process.env.COREVIEW_DOTNET_ROOT === undefined)
      return `the .NET Core 2.0 package is linux-x64 only (this is ${arch()})`;
    if (!hasCommand('mcs'))
      return 'mcs is not installed (Debian: apt-get install mono-mcs), needed to build scripts/dumps/recv-threads.cs';
  }
  return producerSkipReason(producer);
}

function cliJson(core: string, scan: boolean): JsonDocument {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS; // read at every Node start, for a command that opens no connection
  const args = [CLI, core, ...(scan ? ['--scan'] : []), '--json'];
  const out = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env,
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  if (out.status !== 0) throw new Error(`coreview ${args.slice(1).join(' ')} exited ${out.status}: ${out.stderr}`);
  return JSON.parse(out.stdout) as JsonDocument;
}

function osRelease(path: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) fields.set(m[1], m[2].replace(/^"(.*)"$/, '$1'));
  }
  return fields;
}

function regionsOver(doc: JsonDocument, m: Mapping): JsonRegion[] {
  return doc.regions.filter((r) => BigInt(r.start) < m.end && BigInt(r.end) > m.start);
}

function describeRegions(regions: readonly JsonRegion[]): string {
  if (regions.length === 0) return '(no region)';
  return [...new Set(regions.map((r) => `${r.kind}${r.heuristic ? '?' : ''}/${r.protect}/${r.state}`))].join(' + ');
}

/** Offenders grouped by what coreview shows for them: "3 × PAGE_READONLY/…: 1,234 bytes, e.g. 0x…-0x…". */
function summarize(offenders: readonly { readonly m: Mapping; readonly shown: string }[]): string[] {
  const groups = new Map<string, { n: number; bytes: bigint; examples: string[] }>();
  for (const { m, shown } of offenders) {
    const group = groups.get(shown) ?? { n: 0, bytes: 0n, examples: [] };
    group.n++;
    group.bytes += m.end - m.start;
    if (group.examples.length < 3)
      group.examples.push(`${hex(m.start)}-${hex(m.end)}${m.path === '' ? '' : ` ${m.path}`}`);
    groups.set(shown, group);
  }
  return [...groups].map(
    ([shown, g]) => `${g.n} × ${shown}: ${g.bytes.toLocaleString('en')} bytes, e.g. ${g.examples.join(', ')}`,
  );
}

/** A distribution named only because its RID sits in the runtime's RID graph (runtime.json), never this machine's. */
const NOT_DEBIAN =
  /\b(oracle|ol|centos|rhel|red hat|fedora|suse|opensuse|alpine|amazon|alma|rocky|arch linux|gentoo)\b/i;

const NO_ACCESS = (r: JsonRegion): boolean =>
  r.protect === 'PAGE_NOACCESS' || r.state === 'MEM_RESERVE' || r.kind === '[RESERVED]';
/** Still tagged "may be no-access" after the census because it holds data (touched > 0). */
const FLAGGED_WITH_DATA = (r: JsonRegion): boolean =>
  r.heuristic?.name === 'gcore-noaccess-as-readonly' && (r.touched ?? 0) > 0;

const CASES: readonly (readonly [Runtime, RuntimeDumpProducer])[] = [
  ['dotnet', 'kernel'],
  ['dotnet', 'gcore'],
  ['dotnet', 'createdump'],
  ['node', 'kernel'],
  ['node', 'gcore'],
];

for (const [runtime, producer] of CASES) {
  describe(`a real ${producer} dump of a ${runtime === 'dotnet' ? '.NET' : 'Node.js'} process`, () => {
    const known = staticSkipReason(runtime, producer);
    if (known !== undefined) {
      it.skip(`skipped: ${known}`, () => {});
      return;
    }

    let dir = '';
    let reason: string | undefined;
    let dump: MadeRuntimeDump;
    let maps: Mapping[] = [];
    let os = new Map<string, string>();
    let tidCount = 0;
    let header: JsonDocument;
    let scanned: JsonDocument;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `coreview-runtime-${runtime}-${producer}-`));
      try {
        dump = await makeRuntimeDump({ runtime, producer, outDir: dir, timeoutMs: 90_000 });
      } catch (error) {
        if (!(error instanceof MakeDumpError)) throw error;
        reason = error.message.split('\n')[0];
        console.warn(`skipped: ${runtime} ${producer} dump: ${reason}`);
        return;
      }
      maps = parseMaps(readFileSync(dump.maps, 'utf8'));
      os = osRelease(dump.osRelease);
      tidCount = readFileSync(dump.tids, 'utf8').split('\n').filter(Boolean).length;
      header = cliJson(dump.core, false);
      scanned = cliJson(dump.core, true);
      // The census has read what it needs; gcore's core of .NET is 3.5 GB on disk.
      if (KEEP) console.warn(`kept: ${dir}`);
      else rmSync(dump.core, { force: true });
    }, 300_000);

    afterAll(() => {
      if (dir !== '' && !KEEP) rmSync(dir, { recursive: true, force: true });
    });

    const needDump = (ctx: TestContext): void => {
      if (reason !== undefined) ctx.skip(reason);
    };
    const passes = (): readonly (readonly [string, JsonDocument])[] => [
      ['header pass (--json)', header],
      ['after the census (--scan --json)', scanned],
    ];

    it("names the OS as the Debian family, from evidence that is this machine's", (ctx) => {
      needDump(ctx);
      const debianFamily = os.get('ID') === 'debian' || (os.get('ID_LIKE') ?? '').includes('debian');
      if (!debianFamily)
        ctx.skip(`the OS check knows Debian-family machines only (this one is ID=${os.get('ID') ?? '?'})`);
      for (const [pass, doc] of passes()) {
        const found = doc.process.os;
        expect(found, `${pass}: process.os`).toBeDefined();
        expect(found?.name, `${pass}: source ${found?.source}, evidence ${found?.evidence}`).toMatch(/debian/i);
        expect(found?.name, `${pass}: names another distribution`).not.toMatch(NOT_DEBIAN);
        const release = /\b(\d+(?:\.\d+)?)\b/.exec(found?.name ?? '')?.[1];
        if (release !== undefined)
          expect(release, `${pass}: a release the os-release does not support`).toBe(os.get('VERSION_ID'));
        expect(found?.evidence, `${pass}: evidence`).toBeTruthy();
        // A RID found among many (the runtime's RID graph) is no evidence at all.
        expect(found?.source, `${pass}: process.os.source`).toMatch(/./);
        expect(found?.source, `${pass}: process.os.source`).not.toBe('rid-graph');
      }
    });

    it('shows the OS evidence ranked, each with its address or mapping (process.os.ranked)', (ctx) => {
      needDump(ctx);
      for (const [pass, doc] of passes()) {
        const ranked = doc.process.os?.ranked;
        expect(Array.isArray(ranked) && ranked.length > 0, `${pass}: process.os.ranked is a non-empty array`).toBe(
          true,
        );
        for (const entry of ranked ?? [])
          expect(JSON.stringify(entry), `${pass}: a ranked entry's address or mapping`).toMatch(/0x[0-9a-f]+|"\//);
      }
    });

    it('names the runtime and its version', (ctx) => {
      needDump(ctx);
      for (const [pass, doc] of passes()) {
        const found = doc.process.runtime;
        expect(found?.name, `${pass}: process.runtime`).toMatch(runtime === 'dotnet' ? /\.NET/ : /node/i);
        // .NET's version is in its install path; a distribution's node has none there, and only the census reads it
        // from memory.
        if (runtime === 'dotnet' || pass !== passes()[0]?.[0]) {
          expect(found?.version, `${pass}: process.runtime.version (evidence ${found?.evidence})`).toBe(
            dump.meta.runtimeVersion,
          );
        }
      }
    });

    it(`names the producer ${producer}`, (ctx) => {
      needDump(ctx);
      const expected = { kernel: /^kernel$/, gcore: /gcore/, createdump: /createdump/ }[producer];
      for (const [pass, doc] of passes()) {
        expect(doc.dump.producer, `${pass}: evidence "${doc.dump.producerEvidence}"`).toMatch(expected);
      }
    });

    it('tags every [heap] mapping Heap', (ctx) => {
      needDump(ctx);
      const heap = maps.filter((m) => m.path === '[heap]');
      for (const [pass, doc] of passes()) {
        const offenders = heap
          .map((m) => ({ m, regions: regionsOver(doc, m) }))
          // gcore writes no PT_LOAD for the brk area's no-access pieces: nothing in the core to tag.
          .filter(({ m, regions }) => !(regions.length === 0 && producer === 'gcore' && m.perms === '---'))
          .filter(({ regions }) => regions.length === 0 || regions.some((r) => r.kind !== 'Heap'))
          .map(({ m, regions }) => ({ m, shown: describeRegions(regions) }));
        expect(summarize(offenders), `${pass}: [heap] mappings not tagged Heap (of ${heap.length})`).toEqual([]);
      }
    });

    it('shows every anonymous no-access mapping as no-access or reserved', (ctx) => {
      needDump(ctx);
      const noAccess = maps.filter((m) => m.inode === 0 && m.perms === '---' && (m.path === '' || m.path === '[heap]'));
      // Before the census gcore's read-only zeros may still be "may be no-access": only the census decides.
      const checked = producer === 'gcore' ? passes().slice(1) : passes();
      for (const [pass, doc] of checked) {
        const offenders = noAccess
          .map((m) => ({ m, regions: regionsOver(doc, m) }))
          // A no-access page that holds data (CoreCLR's write-barrier flush page, mprotect'ed to NONE after use)
          // is read-only data as far as a gcore shows; it keeps the "may be no-access" heuristic, which says so.
          .filter(({ regions }) => !(producer === 'gcore' && regions.length > 0 && regions.every(FLAGGED_WITH_DATA)))
          .filter(({ regions }) => regions.length > 0 && !regions.every(NO_ACCESS))
          .map(({ m, regions }) => ({ m, shown: describeRegions(regions) }));
        expect(
          summarize(offenders),
          `${pass}: anonymous ---p mappings shown otherwise (of ${noAccess.length})`,
        ).toEqual([]);
      }
    });

    it('has no PAGE_READONLY headline after the census', (ctx) => {
      needDump(ctx);
      const top = scanned.totals[0];
      expect(top?.kind, `headline ${top?.kind} ${top?.size} bytes (${top?.percent} %)`).not.toBe('PAGE_READONLY');
    });

    it('finds a stack for every thread', (ctx) => {
      needDump(ctx);
      expect(header.threads).toHaveLength(tidCount);
      expect(header.threads.filter((t) => t.stackStart === undefined).map((t) => t.tid)).toEqual([]);
    });
  });
}
