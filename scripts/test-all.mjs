// `npm test`: every suite — Vitest (unit, conformance over ../shared/corpus, real dumps) then Playwright (e2e in
// Chromium) — and one closing line `N passed, N failed` summing them all. Exit code 0 only when nothing failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'coreview-test-'));
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
let passed = 0;
let failed = 0;
let skipped = 0;

function run(label, args, env = {}) {
  console.log(`\n== ${label}: npx ${args.join(' ')}`);
  const result = spawnSync(npx, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function vitestCounts(file) {
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: report.numPassedTests, failed: report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0), skipped: report.numPendingTests + report.numTodoTests };
}

function playwrightCounts(file) {
  if (!existsSync(file)) return undefined;
  const { stats } = JSON.parse(readFileSync(file, 'utf8'));
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

const vitestReport = join(dir, 'vitest.json');
const vitestStatus = run('unit, conformance and real-dump tests', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);
tally('vitest', vitestStatus, vitestCounts(vitestReport));

const playwrightReport = join(dir, 'playwright.json');
const playwrightStatus = run('browser end-to-end tests', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport });
tally('playwright', playwrightStatus, playwrightCounts(playwrightReport));

rmSync(dir, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed === 0 ? 0 : 1;
