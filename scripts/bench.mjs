// `npm run bench`: coreview's speed targets, each printed next to a baseline measured in the same run on the same
// file (machines are shared and noisy: only ratios within one run mean anything).
//
//   header pass  `coreview --json`  vs `readelf -W -l -n` and `eu-readelf -n`      target ≤ 1.0× readelf
//   bytes read by the header pass (must be headers + notes + module pages, not the dump)
//   browser      setInputFiles → region table rows  vs readelf run between the loads; longest main-thread task; JS heap
//   census       `coreview --scan` MB/s  vs a plain sequential read of the file in Node   target ≥ 0.8×
//                (also per worker count; and censusChunk alone over 256 MiB of zero pages, with the page's word loop
//                and with the CLI's memcmp test, each vs a bare Buffer.compare (memcmp) loop over the same pages)
//   browser census MB/s vs the raw read rate of the same workers                          target ≥ 0.8×
//   browser search after the census (kernel core) vs `coreview --search` on the same file  target ≤ 2×
//   browser stacks pass: rows → data-stacks="done" vs `coreview --stacks --offline`     target ≤ 1000 ms absolute
//                (and the longest main-thread task meanwhile: none over 50 ms)
//   stacks       `coreview --stacks` vs `eu-stack --core`, both with the executable         target ≤ 0.5× eu-stack
//                (and `coreview --stacks --offline`, the dump alone, `node -e 0` and `coreview --json`, vs the same
//                eu-stack, for where the time goes; run alone with --only stacks, which also times the browser
//                stacks pass over 3 loads)
//
// Rates are in MB/s of 10^6 bytes, as the browser census's (bench-browser.mjs) are: rows compare with each other.
//
// Dumps: a C program with 800 threads blocked in recv() on default 8 MiB stacks, dumped by the kernel (sparse)
// and by gdb's gcore (full stacks on disk, ~7 GB). They are made once under .bench/ and reused.
//   decode       compressed dumps: decoding to a temp file vs the same decoder to nothing   target ≥ 0.8×
//                (scripts/bench-decode.mjs; the system tools as a reference)
//   node scripts/bench.mjs [--threads N] [--runs N] [--only header|browser|census|stacks|decode] [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBrowser, median } from './bench-browser.mjs';
import { makeDump } from './dumps/make-dump.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const threads = Number(option('threads', '800'));
const runs = Number(option('runs', '5'));
const only = option('only', 'all');
const coreview = join(root, 'bin/coreview.cjs');
/** What the search rows look for: text threads.c copies into its heap (a handful of hits, like an analyst's). */
const SEARCH_TEXT = 'centos';

/** Wall time of one run of a whole command (ms), output discarded. */
function timeOnce(command, argv, env = process.env) {
  const t0 = performance.now();
  const r = spawnSync(command, argv, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30, env });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${command} ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Wall time of a whole command (ms), median of `runs`, output discarded. */
function time(command, argv, env = process.env) {
  const samples = [];
  for (let i = 0; i < runs + 1; i++) {
    const ms = timeOnce(command, argv, env);
    if (i > 0) samples.push(ms); // the first run warms the page cache and the binaries
  }
  return median(samples);
}

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** One figure, its baseline and their ratio; `note` is appended to the line (an absolute target's verdict). */
function row(label, value, unit, baselineLabel, baseline, target, note = '') {
  const ratio = value / baseline;
  const verdict =
    target === undefined
      ? ''
      : target.kind === 'max'
        ? ratio <= target.value
          ? 'ok'
          : 'MISSED'
        : ratio >= target.value
          ? 'ok'
          : 'MISSED';
  console.log(
    `${label.padEnd(48)} ${value.toFixed(1).padStart(9)} ${unit.padEnd(5)} | ${baselineLabel.padEnd(26)} ${baseline.toFixed(1).padStart(9)} ${unit.padEnd(5)} | ${ratio.toFixed(2)}×${target ? `  (target ${target.kind === 'max' ? '≤' : '≥'} ${target.value}×: ${verdict})` : ''}${note}`,
  );
}

async function dumpFor(producer) {
  const outDir = join(root, '.bench', `${producer}-${threads}`);
  const core = join(outDir, 'core');
  if (existsSync(core) && existsSync(join(outDir, 'meta.json')))
    return { core, meta: JSON.parse(readFileSync(join(outDir, 'meta.json'), 'utf8')) };
  console.log(`making a ${producer} dump of ${threads} threads in ${outDir} …`);
  const made = await makeDump({ threads, producer, outDir, timeoutMs: 30 * 60_000 });
  return { core: made.core, meta: made.meta };
}

function headerPass(label, core) {
  const ours = time('node', [coreview, core, '--json']);
  const readelf = time('readelf', ['-W', '-l', '-n', core]);
  row(`${label}: coreview --json`, ours, 'ms', 'readelf -W -l -n', readelf, { kind: 'max', value: 1.0 });
  // Context for the ratio: the part of coreview's time that is Node itself starting (no coreview code at all).
  row(`${label}: (node -e 0: startup alone)`, time('node', ['-e', '0']), 'ms', 'readelf -W -l -n', readelf);
  // Node's start plus loading coreview's bundle, no dump read: --json minus this is the header pass and the output.
  row(
    `${label}: (coreview --version: start and load)`,
    time('node', [coreview, '--version']),
    'ms',
    'readelf -W -l -n',
    readelf,
  );
  if (process.env.NODE_EXTRA_CA_CERTS) {
    // Node reads and parses every certificate in NODE_EXTRA_CA_CERTS as it starts, before any script runs (in
    // node::crypto::UseExtraCaCerts), for a command that never opens a connection. The same figures without it
    // (their difference from the rows above is what the variable costs):
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    row(
      `${label}: coreview --json, no NODE_EXTRA_CA_CERTS`,
      time('node', [coreview, core, '--json'], env),
      'ms',
      'readelf -W -l -n',
      readelf,
      { kind: 'max', value: 1.0 },
    );
    row(
      `${label}: (node -e 0, no NODE_EXTRA_CA_CERTS)`,
      time('node', ['-e', '0'], env),
      'ms',
      'readelf -W -l -n',
      readelf,
    );
  }
  if (have('eu-readelf'))
    row(`${label}: coreview --json`, ours, 'ms', 'eu-readelf -n', time('eu-readelf', ['-n', core]));
  const doc = JSON.parse(spawnSync('node', [coreview, core, '--json'], { maxBuffer: 1 << 30 }).stdout.toString());
  const size = statSync(core).size;
  console.log(
    `${label}: header pass read ${doc.dump.headerBytesRead.toLocaleString('en')} bytes of ${size.toLocaleString('en')} (${((doc.dump.headerBytesRead / size) * 100).toFixed(4)}%); ` +
      `${doc.regions.length} regions, ${doc.threads.length} threads, Stack ${doc.totals.find((t) => t.kind === 'Stack')?.percent ?? 0}% of the address space`,
  );
  return readelf;
}

/** The page's stacks pass is on the dump alone: its baseline is the CLI's pass on the dump alone. */
function cliStacksOffline(core) {
  return time('node', [coreview, core, '--stacks', '--offline']);
}

/** Every thread's frames in eu-stack's output ("TID n:" then "#k …" lines): what the baseline did. */
function euStackCounts(core) {
  const r = spawnSync('eu-stack', ['--core', core], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 });
  const lines = r.stdout.toString().split('\n');
  return {
    threads: lines.filter((l) => /^TID \d+:/.test(l)).length,
    frames: lines.filter((l) => /^#\d+ /.test(l)).length,
  };
}

/**
 * Both tools read the executable from the path the dump's NT_FILE names (meta.exe: a build under the system temp
 * dir). Says in one line when it is gone or no longer the dumped build (another machine, a cleaned /tmp): both
 * then walk without it, and the ratio is of that. The coreview side's words come from its own --json.
 */
function executableNote(label, dump, doc) {
  const exe = dump.meta.exe;
  if (!existsSync(exe))
    return `${label}: the dumped executable ${exe} no longer exists (it cannot be rebuilt with the same build-id): both tools walk without it; the ratios are without the executable`;
  const status = doc.modules.find((m) => m.path === exe)?.symbols;
  if (status !== 'file')
    return `${label}: the executable at ${exe} is not the dumped build (coreview: ${status ?? 'not a module'}): both tools walk without it; the ratios are without the executable`;
  return undefined;
}

/** The stacks pass in the CLI vs eu-stack on the same dump; returns the --offline time (the browser row's baseline). */
function cliStacks(label, dump) {
  const r = spawnSync('node', [coreview, dump.core, '--stacks', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`coreview --stacks --json exited ${r.status}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout.toString());
  const note = executableNote(label, dump, doc);
  if (note !== undefined) console.log(note);
  const eu = time('eu-stack', ['--core', dump.core]);
  const ours = time('node', [coreview, dump.core, '--stacks']);
  const offline = cliStacksOffline(dump.core);
  const without = note === undefined ? '' : ' (no exe)';
  row(`${label}: coreview --stacks${without}`, ours, 'ms', `eu-stack --core${without}`, eu, {
    kind: 'max',
    value: 0.5,
  });
  row(`${label}: (coreview --stacks --offline)`, offline, 'ms', `eu-stack --core${without}`, eu);
  // Where the --stacks time goes: Node's start alone, then the header pass (`--json` without the stacks pass; it
  // reads each thread's system call and the environment too), against the same baseline.
  row(`${label}: (node -e 0: startup alone)`, time('node', ['-e', '0']), 'ms', `eu-stack --core${without}`, eu);
  row(
    `${label}: (coreview --json: the header pass)`,
    time('node', [coreview, dump.core, '--json']),
    'ms',
    `eu-stack --core${without}`,
    eu,
  );
  // What each side walked, so that a ratio is never of a tool that gave up early.
  const counted = euStackCounts(dump.core);
  const frames = doc.threads.reduce((sum, t) => sum + (t.frames?.length ?? 0), 0);
  console.log(
    `${label}: coreview walked ${doc.threads.length} threads, ${frames} frames; eu-stack ${counted.threads} threads, ${counted.frames} frames`,
  );
  return offline;
}

/** The page's stacks pass (bench-browser.mjs) vs the CLI's on the dump alone; the target is absolute. */
function browserStacksRow(label, b, cliOffline) {
  const title = `${label}: browser stacks pass (rows → data-stacks=done)`;
  if (b.stacksMs === undefined) {
    console.log(
      `${title}: never done — data-stacks last "${b.stacksState}" (within 60 s after the table) (target ≤ 1000 ms after the table: MISSED)`,
    );
  } else {
    const met = b.stacksMs <= 1000 && b.stacksState === 'done' ? 'met' : 'MISSED';
    const partly =
      b.stacksState === 'done' ? '' : `; ${b.stacksDoneLoads} of ${b.loads} loads done, another "${b.stacksState}"`;
    row(
      title,
      b.stacksMs,
      'ms',
      'CLI --stacks --offline',
      cliOffline,
      undefined,
      `  (target ≤ 1000 ms after the table: ${met}${partly})`,
    );
  }
  // The longtask API reports only tasks over 50 ms: 0 is none at all, the target met.
  const longest =
    b.stacksLongestTaskMs === 0
      ? 'no main-thread task over 50 ms'
      : `longest main-thread task ${b.stacksLongestTaskMs} ms (target < 50: MISSED)`;
  const inPass =
    b.stacksStartMs === undefined
      ? 'data-stacks never "running"'
      : `the pass started ${b.stacksStartMs} ms after the rows; from then on, ${b.stacksLongestTaskInPassMs === 0 ? 'none over 50 ms' : `longest ${b.stacksLongestTaskInPassMs} ms`}`;
  console.log(`${label}: rows → end of the stacks pass, ${longest} in any of ${b.loads} loads (${inPass})`);
}

/** A plain sequential read of the whole file in Node, 16 MiB at a time: the census's baseline. */
function sequentialReadMBps(path) {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(16 << 20);
  let total = 0;
  const t0 = performance.now();
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) break;
    total += n;
  }
  closeSync(fd);
  return total / 1e6 / ((performance.now() - t0) / 1000);
}

function cliCensus(label, core) {
  const size = statSync(core).size;
  sequentialReadMBps(core); // warm the page cache so both sides read from memory
  const scan = (extra) => {
    const t0 = performance.now();
    const r = spawnSync('node', [coreview, core, '--scan', '--json', ...extra], { maxBuffer: 1 << 30 });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`coreview --scan failed: ${r.stderr}`);
    const doc = JSON.parse(r.stdout.toString());
    return { doc, mbps: doc.regions.reduce((sum, x) => sum + x.inDump, 0) / 1e6 / seconds };
  };
  // Three rounds of (baseline, census), alternating so that a slow spell of the machine hits both: medians.
  const rounds = Array.from({ length: 3 }, () => ({ baseline: sequentialReadMBps(core), census: scan([]) }));
  const baseline = median(rounds.map((r) => r.baseline));
  const { doc } = rounds[0].census;
  row(
    `${label}: coreview --scan (median of 3)`,
    median(rounds.map((r) => r.census.mbps)),
    'MB/s',
    'sequential read (Node)',
    baseline,
    { kind: 'min', value: 0.8 },
  );
  // How the default worker count (thread-lanes.ts) was chosen.
  for (const workers of [1, 2, 3, 4])
    row(
      `${label}: coreview --scan --workers ${workers}`,
      scan(['--workers', String(workers)]).mbps,
      'MB/s',
      'sequential read (Node)',
      baseline,
    );
  const stack = doc.totals.find((t) => t.kind === 'Stack');
  if (stack)
    console.log(
      `${label}: Stack ${(stack.size / 2 ** 30).toFixed(2)} GiB reserved, ${(stack.inDump / 2 ** 30).toFixed(2)} GiB in dump, ${(stack.touched / 2 ** 20).toFixed(1)} MiB touched (file ${(size / 2 ** 30).toFixed(2)} GiB)`,
    );
}

// The decode section makes its own (smaller) dump: alone, it needs neither of these.
const kernel = only === 'decode' ? undefined : await dumpFor('kernel');
const gcore = only === 'decode' ? undefined : await dumpFor('gcore');
console.log(`\ncoreview bench — ${threads} threads, ${runs} runs each (median), ${new Date().toISOString()}\n`);
if (only === 'all' || only === 'header') {
  headerPass('kernel core', kernel.core);
  headerPass('gcore', gcore.core);
}
if (only === 'all' || only === 'browser') {
  for (const [label, dump] of [
    ['kernel core', kernel],
    ['gcore', gcore],
  ]) {
    // The baseline runs between the page loads (one readelf after each): the machine's speed drifts within
    // seconds, and a baseline measured minutes earlier, in the header section, compared loads with another machine.
    const readelfRuns = [];
    const readelfArgs = ['-W', '-l', '-n', dump.core];
    timeOnce('readelf', readelfArgs); // warms the page cache and the binary, as time() does
    // The census speed is measured on the gcore, whose stacks are on disk in full (the kernel core's are sparse);
    // on the kernel core the census runs once, for the search after it (a few MB of touched pages in 6.7 GB).
    const kernelCore = label === 'kernel core';
    const b = await benchBrowser(dump.core, {
      census: true,
      ...(kernelCore ? { rounds: 1, search: SEARCH_TEXT } : {}),
      between: () => readelfRuns.push(timeOnce('readelf', readelfArgs)),
    });
    const readelf = median(readelfRuns);
    row(`${label}: browser, setInputFiles → rows`, b.msToRows, 'ms', 'readelf, between the loads', readelf, {
      kind: 'max',
      value: 1.0,
    });
    row(
      `${label}: (the page's part: change event → rows)`,
      b.changeToRows,
      'ms',
      'readelf, between the loads',
      readelf,
    );
    console.log(
      `${label}: medians — file handed to the page ${b.fileToChange} ms, header pass in the worker ${b.analyzeMs} ms, ` +
        `to the worker and back ${b.messagesMs} ms, first screen rendered ${b.renderMs} ms`,
    );
    // The longtask API reports only tasks over 50 ms: none at all is the target met.
    const longest =
      b.longestTaskMs === 0
        ? 'no main-thread task over 50 ms'
        : `longest main-thread task ${b.longestTaskMs.toFixed(0)} ms (target < 50: MISSED)`;
    console.log(
      `${label}: median of ${b.loads} first loads; ${longest} in any of them; JS heap ${(b.heapBytes / 1048576).toFixed(1)} MB (target < 100)`,
    );
    if (b.searchAfterCensusMs !== undefined) {
      const cliSearch = time('node', [coreview, dump.core, '--search', SEARCH_TEXT, '--limit', '200']);
      row(
        `${label}: browser search after the census`,
        b.searchAfterCensusMs,
        'ms',
        'coreview --search (CLI)',
        cliSearch,
        { kind: 'max', value: 2.0 },
      );
    }
    browserStacksRow(label, b, cliStacksOffline(dump.core));
    if (b.censusMBps !== undefined && !kernelCore) {
      row(`${label}: browser census`, b.censusMBps, 'MB/s', `raw read, ${b.workers} workers`, b.rawReadMBps, {
        kind: 'min',
        value: 0.8,
      });
      console.log(
        `${label}: JS heap ${(b.heapBeforeCensus / 1048576).toFixed(1)} MB before the census, ${(b.heapAfterCensus / 1048576).toFixed(1)} MB after`,
      );
    }
  }
}
if (only === 'all' || only === 'census') {
  await censusLoop();
  cliCensus('gcore', gcore.core);
}
if (only === 'all' || only === 'decode') {
  const { benchDecode } = await import('./bench-decode.mjs');
  await benchDecode({ root, runs: Math.min(runs, 3), row });
}
if (only === 'all' || only === 'stacks') {
  for (const [label, dump] of [
    ['kernel core', kernel],
    ['gcore', gcore],
  ]) {
    let cliOffline;
    try {
      if (have('eu-stack')) cliOffline = cliStacks(label, dump);
      else console.log(`${label}: eu-stack not found (elfutils): the CLI stacks rows are skipped`);
    } catch (error) {
      console.log(`${label}: the CLI stacks rows failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    // Alone, the section also times the page's pass (in a full run the browser section has done so).
    if (only === 'stacks') {
      const b = await benchBrowser(dump.core, { loads: 3 });
      browserStacksRow(label, b, cliOffline ?? cliStacksOffline(dump.core));
    }
  }
}

/**
 * The census's inner loop alone over 256 MiB of zeros — the common case, a zero page must be read to its end — as
 * the code ships: censusChunk (src/core/scan/census.ts) with its default zero test, the page's word loop, and with
 * the CLI's (src/cli/memcmp-zero-test.ts: Node's memcmp through Buffer#compare), both bundled here with esbuild.
 * Each row's baseline is a bare loop of Buffer.compare of the same pages against a zero page, the fastest zero
 * test there is (the page cannot use it: browsers have no memcmp).
 */
async function censusLoop() {
  const { build } = await import('esbuild');
  const load = async (entry, platform) => {
    const out = await build({
      entryPoints: [join(root, entry)],
      bundle: true,
      write: false,
      format: 'esm',
      platform,
      logLevel: 'warning',
    });
    return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
  };
  const { censusChunk } = await load('src/core/scan/census.ts', 'neutral');
  const { memcmpNonZeroTest } = await load('src/cli/memcmp-zero-test.ts', 'node');
  const size = 256 << 20;
  const bytes = new Uint8Array(size);
  const item = { regionIndex: 0, fileOffset: 0, length: size, regionOffset: 0, pageIndexBase: 0, pageSize: 4096 };
  const zeroPage = Buffer.alloc(4096);
  const view = Buffer.from(bytes.buffer);
  const best = (fn) =>
    Math.max(
      ...Array.from({ length: runs }, () => {
        const t0 = performance.now();
        fn();
        return size / 1e6 / ((performance.now() - t0) / 1000);
      }),
    );
  const page = best(() => censusChunk(bytes, item));
  const cli = best(() => censusChunk(bytes, item, undefined, memcmpNonZeroTest));
  const memcmp = best(() => {
    for (let p = 0; p < size; p += 4096)
      if (view.compare(zeroPage, 0, 4096, p, p + 4096) !== 0) throw new Error('not zero');
  });
  row("census inner loop, the page's (word loop)", page, 'MB/s', 'Buffer.compare (memcmp)', memcmp);
  row("census inner loop, the CLI's (memcmp)", cli, 'MB/s', 'Buffer.compare (memcmp)', memcmp);
}
