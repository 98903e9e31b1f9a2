/**
 * `coreview report.json`: a report saved with `--json` prints the same text as its dump in every text mode; what
 * needs the dump's memory says so in one line (exit 2), and so does a report that does not read.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/coreview.cjs');
let dir = '';
let core = '';

function coreview(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, COREVIEW_DEBUG: '' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `coreview <args> --json` saved as a file. */
function saveReport(name: string, ...args: string[]): string {
  const r = coreview(core, ...args, '--json');
  expect(r.status).toBe(0);
  const path = join(dir, name);
  writeFileSync(path, r.stdout);
  return path;
}

function expectOneLineError(r: ReturnType<typeof coreview>, message: string): void {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`coreview: error: ${message}\n`);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'coreview-report-'));
  core = join(dir, 'sample.core');
  writeFileSync(core, gunzipSync(readFileSync(join(import.meta.dirname, '../../public/sample/sample.core.gz'))));
  expect(coreview('--version').status).toBe(0);
}, 120_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('coreview report.json', () => {
  it('prints what the dump printed: the tables, --summary, --threads, --images, --json', () => {
    const report = saveReport('r.json');
    for (const mode of [[], ['--summary'], ['--threads'], ['--summary', '--images']]) {
      const fromDump = coreview(core, ...mode);
      const fromReport = coreview(report, ...mode);
      expect(fromReport.status).toBe(0);
      expect(fromReport.stderr).toBe('');
      expect(fromReport.stdout).toBe(fromDump.stdout);
    }
    expect(coreview(report, '--json').stdout).toBe(readFileSync(report, 'utf8'));
  });

  it('prints the census columns, the stacks and the findings a report was saved with', () => {
    const report = saveReport('full.json', '--scan', '--stacks', '--offline');
    for (const mode of [[], ['--threads'], ['--stacks', '--offline'], ['--findings', '--offline']]) {
      const fromDump = coreview(core, '--scan', ...mode);
      expect(fromDump.status).toBe(0);
      expect(coreview(report, ...mode.filter((m) => m !== '--offline')).stdout).toBe(fromDump.stdout);
    }
    expect(coreview(report, '--stacks').stdout).toContain('stack group');
  });

  it('says, in one line, what needs the dump', () => {
    const report = saveReport('plain.json');
    const needs = (what: string) => `${report} is a report: ${what} needs the dump it was made from (sample.core)`;
    expectOneLineError(coreview(report, '--scan'), needs('--scan'));
    expectOneLineError(coreview(report, '--search', 'centos'), needs('--search'));
    expectOneLineError(coreview(report, '--dump', '0x1000'), needs('--dump'));
    expectOneLineError(
      coreview(report, '--stacks'),
      `${needs('--stacks')}: the report was saved without the stacks pass`,
    );
  });

  it('refuses a hand-edited or cut-short report, naming the field or the end', () => {
    const text = readFileSync(saveReport('good.json'), 'utf8');
    const edited = JSON.parse(text) as { regions: { start: unknown }[] };
    const first = edited.regions[0];
    if (first !== undefined) first.start = 12;
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(edited));
    expectOneLineError(coreview(bad), `${bad}: regions[0].start: expected a 0x… address, got 12`);
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, text.slice(0, 3000));
    expectOneLineError(coreview(cut), `${cut}: the report is not complete JSON (ends at byte 3000)`);
    const newer = join(dir, 'newer.json');
    writeFileSync(newer, text.replace('"version": 1', '"version": 2'));
    expectOneLineError(
      coreview(newer),
      `${newer}: the report is version 2, newer than this coreview reads (1): open it with a newer coreview`,
    );
  });
});
