// `npm test`: the lint (`npm run lint`: ESLint, Prettier, the layer rules, unused code; counted as one check), then
// every suite — Vitest (unit, conformance over ../shared/corpus, real dumps) then Playwright (e2e in Chromium) — and
// one closing line `N passed, N failed` summing them all. Exit code 0 only when nothing failed.
// Skipped tests are said in one line just above it: the corpus conformance suites skip as a group in a clone
// without ../shared/corpus beside it, other tests skip where a tool (gcc, gdb) or the kernel's core_pattern is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Where tests/conformance reads the corpus (the same rule as tests/conformance/corpus-notes.ts).
const corpusDir = process.env.COREVIEW_CORPUS ?? join(ROOT, '../shared/corpus');
const corpusShown = process.env.COREVIEW_CORPUS ?? '../shared/corpus';
const corpusAbsent = !existsSync(corpusDir);
const CONFORMANCE_DIR = join(ROOT, 'tests', 'conformance') + sep;

let passed = 0;
let failed = 0;
let skipped = 0;
/** Skipped tests of the corpus conformance suites (the rest of `skipped` is for a missing tool). */
let corpusSkipped = 0;

function run(label, args, env = {}) {
  console.log(`\n== ${label}: npx ${args.join(' ')}`);
  const result = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

/** A runner's JSON report, or undefined when it wrote none or one that does not parse. */
function readReport(file) {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`${file}: unreadable report (${e instanceof Error ? e.message : e})`);
    return undefined;
  }
}

function vitestCounts(file) {
  const report = readReport(file);
  if (report === undefined) return undefined;
  const inConformance = (report.testResults ?? []).filter(
    (f) => typeof f.name === 'string' && f.name.startsWith(CONFORMANCE_DIR),
  );
  const corpus = inConformance
    .flatMap((f) => f.assertionResults ?? [])
    .filter((t) => t.status === 'skipped' || t.status === 'pending' || t.status === 'todo').length;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
    corpusSkipped: corpus,
  };
}

/** Each distinct reason a Playwright test was skipped for (its test.skip() description), with how many it skipped. */
function playwrightSkipReasons(report) {
  const reasons = new Map();
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'skipped') continue;
        const reason = (t.annotations ?? []).find((a) => a.type === 'skip')?.description ?? 'no reason given';
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  return reasons;
}

function playwrightCounts(file) {
  const report = readReport(file);
  if (report === undefined) return undefined;
  for (const [reason, n] of playwrightSkipReasons(report)) console.log(`e2e: ${n} skipped: ${reason}`);
  const { stats } = report;
  return { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
}

function tally(label, status, counts) {
  if (counts === undefined) {
    console.log(`${label}: no report (exit ${status}) — counted as one failure`);
    failed += 1;
    return;
  }
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
  corpusSkipped += counts.corpusSkipped ?? 0;
  // A runner that exits non-zero with no failed test (a crash, an unhandled error) still fails the run.
  if (status !== 0 && counts.failed === 0) failed += 1;
}

console.log('\n== lint: npm run lint');
const lint = spawnSync('npm', ['run', '--silent', 'lint'], { stdio: 'inherit' }).status ?? 1;
if (lint === 0) passed += 1;
else {
  console.log('lint: failed (see above) — counted as one failure');
  failed += 1;
}

const dir = mkdtempSync(join(tmpdir(), 'coreview-test-'));
try {
  const vitestReport = join(dir, 'vitest.json');
  const vitestStatus = run('unit, conformance and real-dump tests', [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${vitestReport}`,
  ]);
  tally('vitest', vitestStatus, vitestCounts(vitestReport));

  const playwrightReport = join(dir, 'playwright.json');
  const playwrightStatus = run('browser end-to-end tests', ['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
  });
  tally('playwright', playwrightStatus, playwrightCounts(playwrightReport));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
// One line for what was skipped, directly above the last line.
const skips = [];
if (corpusAbsent && corpusSkipped > 0) skips.push(`corpus conformance (${corpusShown} not found)`);
const otherSkipped = skipped - (corpusAbsent ? corpusSkipped : 0);
if (otherSkipped > 0)
  skips.push(
    `${otherSkipped} ${skips.length > 0 ? 'more ' : ''}test${otherSkipped === 1 ? '' : 's'} (see above: a missing tool or core_pattern)`,
  );
console.log('');
if (skips.length > 0) console.log(`skipped: ${skips.join('; ')}`);
// The last line is what CI reads: exactly "N passed, N failed".
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
