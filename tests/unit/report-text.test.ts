/**
 * The report formatter (src/core/format/report-text.ts): every text the CLI prints and the page copies comes from
 * the JSON document alone, so a saved document prints exactly as its dump did.
 */
import { describe, expect, it } from 'vitest';
import { toJsonDocument, type JsonDocumentOptions } from '../../src/core/format/json-document';
import type { ReportDocument } from '../../src/core/format/report-document';
import { reportText, type ReportTextOptions, type ReportView } from '../../src/core/format/report-text';
import type { Analysis } from '../../src/core/types';
import { analyzeBytes } from '../helpers/run-engine';
import { SAMPLE, sampleCore } from '../helpers/sample-cores';

const VIEWS: readonly ReportView[] = [
  'table',
  'summary',
  'threads',
  'json',
  'regions',
  'totals',
  'image-totals',
  'regions-csv',
];

/** Stacks touched, everything else not in yet: an incomplete census. */
function partialCensus(a: Analysis): JsonDocumentOptions {
  return {
    census: { regionTouched: a.regions.map((r) => (r.kind === 'Stack' ? 0x1000 : undefined)), complete: false },
  };
}

function saved(doc: ReportDocument): ReportDocument {
  return JSON.parse(JSON.stringify(doc)) as ReportDocument;
}

describe('a saved report prints as its dump did', () => {
  it.each([
    ['without a census', (): JsonDocumentOptions => ({})],
    ['with a partial census', undefined],
    [
      'with a complete census',
      (a: Analysis): JsonDocumentOptions => ({
        census: { regionTouched: a.regions.map((r) => r.inDump), complete: true },
      }),
    ],
  ] as const)('every view, %s', async (_, census) => {
    const a = await analyzeBytes(sampleCore());
    const doc = toJsonDocument(a, 'core.4242', census ? census(a) : partialCensus(a));
    const options: ReportTextOptions[] = VIEWS.flatMap((view) => [
      { view },
      { view, images: true },
      { view, rows: [3, 0, 1], width: 60 },
    ]);
    for (const o of options) expect(reportText(saved(doc), o)).toBe(reportText(doc, o));
  });
});

describe('views', () => {
  it('adds the image totals after the kind totals with images, with or without a census', async () => {
    const a = await analyzeBytes(sampleCore());
    for (const doc of [toJsonDocument(a, 'x'), toJsonDocument(a, 'x', partialCensus(a))]) {
      const images = reportText(doc, { view: 'image-totals' });
      for (const view of ['table', 'summary'] as const) {
        const plain = reportText(doc, { view });
        expect(reportText(doc, { view, images: true })).toBe(`${plain}\n${images}`);
      }
    }
  });

  it('prints only the rows asked for, in their order', async () => {
    const a = await analyzeBytes(sampleCore());
    const doc = toJsonDocument(a, 'x');
    // Between the rule under the titles and the closing rule; columns are as wide as the rows printed.
    const rowsOf = (text: string) => text.trimEnd().split('\n').slice(3, -1);
    const squeeze = (l: string | undefined) => l?.replace(/ +/g, ' ');
    const all = rowsOf(reportText(doc, { view: 'regions' }));
    const some = rowsOf(reportText(doc, { view: 'regions', rows: [4, 1, 99] }));
    expect(some.map(squeeze)).toEqual([all[4], all[1]].map(squeeze));
    expect(rowsOf(reportText(doc, { view: 'threads', rows: [1] }))[0]).toMatch(
      new RegExp(`^\\| +${SAMPLE.otherTid} \\|`),
    );
    expect(reportText(doc, { view: 'regions-csv', rows: [] })).toBe(
      'kind,heuristic,start,end,size,type,state,protect,inDump,tid,image,fileOffset\r\n',
    );
  });

  it('prints ? where the census is not in, and leaves a thread without a stack blank', async () => {
    const a = await analyzeBytes(sampleCore());
    const doc = toJsonDocument(a, 'x', partialCensus(a));
    const cells = (text: string, prefix: string) =>
      text
        .split('\n')
        .find((l) => l.startsWith(`| ${prefix} `))
        ?.split('|')
        .map((c) => c.trim());
    const totals = reportText(doc, { view: 'totals' });
    expect(cells(totals, 'Stack')?.at(-1)).toBe('8.00kb');
    expect(cells(totals, 'Heap?')?.at(-1)).toBe('?');
    // The total sums the kinds whose census is complete.
    expect(cells(totals, '[TOTAL]')?.at(-1)).toBe('8.00kb');
    const noStack = {
      ...doc,
      threads: doc.threads.map(
        ({ stackStart: _s, stackEnd: _e, stackSize: _z, stackUsed: _u, stackTouched: _t, ...t }) => t,
      ),
    };
    const threads = reportText(noStack, { view: 'threads' })
      .split('\n')[3]
      ?.split('|')
      .map((c) => c.trim());
    expect(threads?.[6]).toBe('');
    const missing = { ...doc, threads: doc.threads.map(({ stackTouched: _t, ...t }) => t) };
    expect(
      reportText(missing, { view: 'threads' })
        .split('\n')[3]
        ?.split('|')
        .map((c) => c.trim())[6],
    ).toBe('?');
  });

  it('says "none" for a process no signal ended', async () => {
    const a = await analyzeBytes(sampleCore());
    const doc = toJsonDocument(a, 'x');
    const { signalName: _n, faultAddress: _f, ...quiet } = doc.process;
    expect(reportText({ ...doc, process: { ...quiet, signal: 0 } }, { view: 'table' }).split('\n')[1]).toBe(
      'Signal:   none',
    );
  });
});
