// `npm test`: every suite — Vitest (unit, conformance over ../shared/corpus, real dumps) then Playwright (e2e in
// Chromium) — and one closing line `N passed, N failed` summing them all. Exit code 0 only when nothing failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;

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
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
}

function playwrightCounts(file) {
  const report = readReport(file);
  if (report === undefined) return undefined;
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
  // A runner that exits non-zero with no failed test (a crash, an unhandled error) still fails the run.
  if (status !== 0 && counts.failed === 0) failed += 1;
}

const dir = mkdtempSync(join(tmpdir(), 'coreview-test-'));
try {
  const vitestReport = join(dir, 'vitest.json');
  const vitestStatus = run('unit, conformance and real-dump tests', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);
  tally('vitest', vitestStatus, vitestCounts(vitestReport));

  const playwrightReport = join(dir, 'playwright.json');
  const playwrightStatus = run('browser end-to-end tests', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport });
  tally('playwright', playwrightStatus, playwrightCounts(playwrightReport));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (skipped > 0) console.log(`\n${skipped} skipped (see above: a missing tool or corpus)`);
// The last line is what CI reads: exactly "N passed, N failed".
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
