import { UNKNOWN, type ImageTotal } from '../types';
import { tableAddress } from './address';
import { fitPath } from './fit-path';
import type { ReportKindTotal, ReportRegion, ReportThread } from './report-document';
import { groupedBytes, maddressSize, percent } from './size';
import { renderTable, type TableOptions, type TextColumn } from './text-table';
import { completeKindSums } from './touched';

/**
 * The text tables of the report (report-text.ts), over the JSON document's entries: SOS `!maddress` columns first,
 * in its order, then what maddress lacks (bytes in dump, thread id). A heuristic kind is marked with a trailing `?`.
 * `census`: the document has a census, so each table gets its Touched column.
 */
const REGION_COLUMNS: TextColumn[] = [
  { title: 'Memory Kind', align: 'left' },
  { title: 'StartAddr', align: 'right' },
  { title: 'EndAddr-1', align: 'right' },
  { title: 'Size', align: 'right' },
  { title: 'Type', align: 'left' },
  { title: 'State', align: 'left' },
  { title: 'Protect', align: 'left' },
  { title: 'In Dump', align: 'right' },
  { title: 'Tid', align: 'right' },
  { title: 'Image', align: 'left' },
];

const TOUCHED: TextColumn = { title: 'Touched', align: 'right' };

function kindLabel(kind: string, heuristic: boolean): string {
  return heuristic ? `${kind}?` : kind;
}

/** State or protection as the text tables and CSV print it: `?` where the dump does not record it. */
export function knownOr(value: string): string {
  return value === UNKNOWN ? '?' : value;
}

/** Touched bytes, or `?` where the census is not in. */
function touchedCell(bytes: number | undefined): string {
  return bytes === undefined ? '?' : maddressSize(bytes);
}

/** `width`: characters per line (a terminal's); long image paths are shortened to fit (fit-path.ts). */
function fitTo(width: number | undefined): TableOptions {
  return width === undefined ? {} : { width, fit: fitPath };
}

export function regionTable(regions: readonly ReportRegion[], bits: 32 | 64, census: boolean, width?: number): string {
  const columns = census ? [...REGION_COLUMNS.slice(0, 8), TOUCHED, ...REGION_COLUMNS.slice(8)] : REGION_COLUMNS;
  const rows = regions.map((r) => [
    kindLabel(r.kind, r.heuristic !== undefined),
    tableAddress(BigInt(r.start), bits),
    tableAddress(BigInt(r.end) - 1n, bits),
    maddressSize(r.size),
    r.type,
    knownOr(r.state),
    knownOr(r.protect),
    maddressSize(r.inDump),
    ...(census ? [touchedCell(r.touched)] : []),
    r.tid === undefined ? '' : String(r.tid),
    r.image ?? '',
  ]);
  return renderTable(columns, rows, [], fitTo(width));
}

/**
 * Per-kind totals with a [TOTAL] row. With a census, a kind prints `?` while any of its regions is not in (the
 * document's per-kind `touched` is a partial sum then), and the total sums the kinds that are complete.
 * Percentages come from the sizes: the document's are rounded already, and rounding twice can differ.
 */
export function kindTotalsTable(
  totals: readonly ReportKindTotal[],
  regions: readonly ReportRegion[],
  census: boolean,
): string {
  const columns: TextColumn[] = [
    { title: 'Memory Type', align: 'left' },
    { title: 'Count', align: 'right' },
    { title: 'Size', align: 'right' },
    { title: 'Size (bytes)', align: 'right' },
    { title: '% of Total', align: 'right' },
    { title: 'In Dump', align: 'right' },
    ...(census ? [TOUCHED] : []),
  ];
  const complete = census
    ? completeKindSums(
        regions,
        regions.map((r) => r.touched),
      )
    : undefined;
  const touchedOf = (kind: string) => (complete ? [touchedCell(complete.get(kind))] : []);
  const all = totals.reduce((sum, t) => sum + t.size, 0);
  const rows = totals.map((t) => [
    kindLabel(t.kind, t.heuristic),
    String(t.count),
    maddressSize(t.size),
    groupedBytes(t.size),
    percent(all === 0 ? 0 : (t.size / all) * 100),
    maddressSize(t.inDump),
    ...touchedOf(t.kind),
  ]);
  const sum = totals.reduce(
    (a, t) => ({ count: a.count + t.count, size: a.size + t.size, inDump: a.inDump + t.inDump }),
    { count: 0, size: 0, inDump: 0 },
  );
  const touchedSum = complete ? [touchedCell([...complete.values()].reduce((a, b) => a + b, 0))] : [];
  const footer = [
    [
      '[TOTAL]',
      String(sum.count),
      maddressSize(sum.size),
      groupedBytes(sum.size),
      percent(totals.length > 0 ? 100 : 0),
      maddressSize(sum.inDump),
      ...touchedSum,
    ],
  ];
  return renderTable(columns, rows, footer);
}

export function imageTotalsTable(totals: readonly ImageTotal[], width?: number): string {
  const columns: TextColumn[] = [
    { title: 'Count', align: 'right' },
    { title: 'Size', align: 'right' },
    { title: 'Size (bytes)', align: 'right' },
    { title: 'In Dump', align: 'right' },
    { title: 'Image', align: 'left' },
  ];
  const rows = totals.map((t) => [
    String(t.count),
    maddressSize(t.size),
    groupedBytes(t.size),
    maddressSize(t.inDump),
    t.image,
  ]);
  return renderTable(columns, rows, [], fitTo(width));
}

/** With a census, the Touched column holds the stack's touched bytes (blank for a thread whose sp is in no stack). */
export function threadTable(threads: readonly ReportThread[], census: boolean): string {
  const columns: TextColumn[] = [
    { title: 'Tid', align: 'right' },
    { title: 'Signal', align: 'left' },
    { title: 'SP', align: 'right' },
    { title: 'Stack Size', align: 'right' },
    { title: 'Used', align: 'right' },
    ...(census ? [TOUCHED] : []),
    { title: 'PC', align: 'left' },
  ];
  const rows = threads.map((t) => [
    String(t.tid),
    t.signal === 0 ? '' : `${t.signal}${t.crashed ? ' (crashed)' : ''}`,
    t.sp ?? '?',
    t.stackSize === undefined ? '' : maddressSize(t.stackSize),
    t.stackUsed === undefined ? '' : maddressSize(t.stackUsed),
    ...(census ? [t.stackStart === undefined ? '' : touchedCell(t.stackTouched)] : []),
    t.pc === null ? '?' : `${t.pc}${t.pcSymbol !== undefined ? ` ${t.pcSymbol}` : ''}`,
  ]);
  return renderTable(columns, rows);
}
