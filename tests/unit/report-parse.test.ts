/**
 * Reading a saved report back: a good document (new or older) opens; a newer major version, a hand-edited field
 * of any kind, or a cut-short file gets one line naming what is wrong, and nothing else.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeCore } from '../../src/core/analyze';
import { MemorySource } from '../../src/core/io/byte-source';
import { toJsonDocument } from '../../src/core/format/json-document';
import type { ReportDocument } from '../../src/core/format/report-document';
import { parseReport } from '../../src/core/format/report-parse';
import { sampleCore } from '../helpers/sample-cores';

let doc: ReportDocument;
let text = '';

type Json = Record<string, unknown>;

/** The document as JSON with the field at `path` ("regions.5.start") set to `value`, or removed when undefined. */
function edited(...edits: [path: string, value: unknown][]): string {
  const copy = JSON.parse(text) as Json;
  for (const [path, value] of edits) {
    const keys = path.split('.');
    const last = keys.pop() ?? '';
    const parent = keys.reduce<Json>((o, k) => o[k] as Json, copy);
    if (value === undefined) Reflect.deleteProperty(parent, last);
    else parent[last] = value;
  }
  return JSON.stringify(copy, null, 2);
}

/** Every `key` removed from each object of the list at `path`. */
function withoutInEach(source: string, path: string, key: string): string {
  const copy = JSON.parse(source) as Json;
  for (const item of copy[path] as Json[]) Reflect.deleteProperty(item, key);
  return JSON.stringify(copy);
}

function refused(source: string): string {
  const r = parseReport(source);
  if (r.ok) throw new Error('the report was accepted');
  expect(r.message).not.toContain('\n');
  return r.message;
}

beforeAll(async () => {
  const analysis = await analyzeCore(new MemorySource(sampleCore()));
  doc = toJsonDocument(analysis, 'core.4242', {
    census: { regionTouched: analysis.regions.map((r) => r.inDump), complete: true },
    stacks: {
      stacks: analysis.threads.map((t) => ({
        tid: t.tid,
        frames: [{ pc: 0x401000n, trust: 'context' }],
        stop: 'outermost',
      })),
      groups: [{ threads: analysis.threads.map((t) => t.tid), frames: [{ pc: 0x401000n, trust: 'context' }] }],
      modules: analysis.modules.map((m) => ({ path: m.path, symbols: 'dump' })),
    },
    findings: [
      {
        id: 'same-stack',
        severity: 'info',
        title: 'Threads in one stack',
        detail: 'd',
        evidence: [{ kind: 'regions', starts: [analysis.regions[0]?.start ?? 0n], text: 'r' }],
      },
    ],
  });
  text = JSON.stringify(doc, null, 2);
});

describe('parseReport', () => {
  it('opens a report as written, every field kept', () => {
    const r = parseReport(text);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.report).toEqual(doc);
    expect(doc.dump.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // Saved by an editor that writes a byte order mark.
    expect(parseReport(`\uFEFF${text}`).ok).toBe(true);
  });

  it('opens an older report: no fingerprint, census, stacks or findings', () => {
    let old = edited(
      ['dump.fingerprint', undefined],
      ['dump.census', undefined],
      ['stackGroups', undefined],
      ['findings', undefined],
    );
    old = withoutInEach(withoutInEach(old, 'regions', 'touched'), 'threads', 'frames');
    expect(parseReport(old).ok).toBe(true);
  });

  it('lets through fields a newer coreview adds within version 1', () => {
    expect(parseReport(edited(['dump.somethingNew', { a: 1 }])).ok).toBe(true);
  });

  it('refuses a newer major version, saying so', () => {
    expect(refused(edited(['version', 2]))).toBe(
      'the report is version 2, newer than this coreview reads (1): open it with a newer coreview',
    );
  });

  it('refuses another JSON document', () => {
    expect(refused('{"format":"other","version":1}')).toBe(
      'not a coreview report: format: expected "coreview", got "other"',
    );
    expect(refused('[1, 2]')).toBe('the report is not a JSON object');
    expect(refused(edited(['version', '1']))).toBe('version: expected a whole number ≥ 1, got "1"');
  });

  it('names the first bad field, what it expected and what it got', () => {
    const cases: [string, unknown, string][] = [
      ['regions.5.start', 12, 'regions[5].start: expected a 0x… address, got 12'],
      ['regions.3.end', '0xZZ', 'regions[3].end: expected a 0x… address, got "0xZZ"'],
      ['regions.1.start', '0x12345678901234567', 'regions[1].start: expected a 0x… address, got "0x12345678901234567"'],
      ['regions.0.size', -1, 'regions[0].size: expected a whole number ≥ 0, got -1'],
      ['regions.0.inDump', 1.5, 'regions[0].inDump: expected a whole number ≥ 0, got 1.5'],
      [
        'regions.2.type',
        'MEM_FOO',
        'regions[2].type: expected one of "MEM_IMAGE", "MEM_MAPPED", "MEM_PRIVATE", got "MEM_FOO"',
      ],
      ['threads.1.tid', undefined, 'threads[1].tid: expected a whole number ≥ 0, got nothing (the field is missing)'],
      ['threads.0.crashed', 'yes', 'threads[0].crashed: expected true or false, got "yes"'],
      ['threads.0.frames.0.pc', null, 'threads[0].frames[0].pc: expected a 0x… address, got null'],
      ['dump.endian', 'middle', 'dump.endian: expected one of "little", "big", got "middle"'],
      ['dump.bits', 16, 'dump.bits: expected one of 32, 64, got 16'],
      ['dump.fingerprint', 'abc', 'dump.fingerprint: expected 64 hex digits (SHA-256), got "abc"'],
      ['process.name', 5, 'process.name: expected a string, got 5'],
      ['regions', {}, 'regions: expected a list, got an object'],
      ['totals.0', [], 'totals[0]: expected an object, got an array of 0'],
      ['totals.0.percent', 'NaN', 'totals[0].percent: expected a number, got "NaN"'],
      [
        'findings.0.evidence.0.kind',
        'other',
        'findings[0].evidence[0].kind: expected one of "threads", "regions", "stack-group", "environment", "module", "fact", got "other"',
      ],
      ['findings.0.evidence.0.starts', ['x'], 'findings[0].evidence[0].starts[0]: expected a 0x… address, got "x"'],
      [
        'stackGroups.0.threads.0',
        999999,
        'stackGroups[0].threads[0]: expected the tid of a thread in threads, got 999999',
      ],
      ['regions.4.end', '0x1', 'regions[4].end: expected an address ≥ start ('],
    ];
    for (const [path, value, message] of cases) expect(refused(edited([path, value]))).toContain(message);
  });

  it('says a cut-short file ends early, and where', () => {
    for (const length of [0, 1, 100, Math.floor(text.length / 2), text.length - 1]) {
      const cut = text.slice(0, length);
      expect(refused(cut)).toBe(
        `the report is not complete JSON (ends at byte ${new TextEncoder().encode(cut).length})`,
      );
    }
  });

  it('says other syntax errors are not JSON', () => {
    expect(refused('{"format": "coreview", oops}')).toMatch(/^the report is not valid JSON: /);
  });
});
