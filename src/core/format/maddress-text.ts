import { UNKNOWN, type Analysis, type ImageTotal, type KindTotal, type Region, type RuntimeInfo, type Thread } from '../model/types';
import type { OsIdentification } from '../scan/identify-os';
import { hexAddress, tableAddress } from './address';
import { osEvidenceLines } from './os-evidence-text';
import { fitPath } from './fit-path';
import { groupedBytes, maddressSize, percent } from './size';
import { renderTable, type TextColumn } from './text-table';

/**
 * The text tables of the CLI and the page's "Copy as text": SOS `!maddress` columns first, in its order, then
 * what maddress lacks (bytes in dump, thread id). A heuristic kind is marked with a trailing `?`.
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

export function kindLabel(kind: string, heuristic: boolean): string {
  return heuristic ? `${kind}?` : kind;
}

export interface TextWidthOptions {
  /** Characters per line (a terminal's): long image paths are shortened to fit (fit-path.ts). Whole paths without. */
  readonly width?: number;
}

/** State or protection as the text tables and CSV print it: `?` where the dump does not record it. */
export function knownOr(value: string): string {
  return value === UNKNOWN ? '?' : value;
}

/** `touched`: census result per region index (bytes of pages holding non-zero data); adds a Touched column. */
export function regionTableText(
  regions: readonly Region[],
  bits: 32 | 64,
  touched?: readonly (number | undefined)[],
  options: TextWidthOptions = {},
): string {
  const columns = touched ? [...REGION_COLUMNS.slice(0, 8), { title: 'Touched', align: 'right' as const }, ...REGION_COLUMNS.slice(8)] : REGION_COLUMNS;
  const rows = regions.map((r, i) => [
    kindLabel(r.kind, r.heuristic !== undefined),
    tableAddress(r.start, bits),
    tableAddress(r.end - 1n, bits),
    maddressSize(r.size),
    r.type,
    knownOr(r.state),
    knownOr(r.protect),
    maddressSize(r.inDump),
    ...(touched ? [touchedCell(touched[i])] : []),
    r.tid === undefined ? '' : String(r.tid),
    r.image ?? '',
  ]);
  return renderTable(columns, rows, [], widthOptions(options));
}

function widthOptions(options: TextWidthOptions): { width?: number; fit?: (cell: string, max: number) => string } {
  return options.width === undefined ? {} : { width: options.width, fit: fitPath };
}

function touchedCell(bytes: number | undefined): string {
  return bytes === undefined ? '?' : maddressSize(bytes);
}

/** `touchedByKind`: census sums per kind; adds a Touched column. */
export function kindTotalsText(totals: readonly KindTotal[], touchedByKind?: ReadonlyMap<string, number>): string {
  const columns: TextColumn[] = [
    { title: 'Memory Type', align: 'left' },
    { title: 'Count', align: 'right' },
    { title: 'Size', align: 'right' },
    { title: 'Size (bytes)', align: 'right' },
    { title: '% of Total', align: 'right' },
    { title: 'In Dump', align: 'right' },
    ...(touchedByKind ? [{ title: 'Touched', align: 'right' as const }] : []),
  ];
  const touchedOf = (kind: string) => (touchedByKind ? [touchedCell(touchedByKind.get(kind))] : []);
  const rows = totals.map((t) => [
    kindLabel(t.kind, t.heuristic),
    String(t.count),
    maddressSize(t.size),
    groupedBytes(t.size),
    percent(t.percent),
    maddressSize(t.inDump),
    ...touchedOf(t.kind),
  ]);
  const sum = totals.reduce((a, t) => ({ count: a.count + t.count, size: a.size + t.size, inDump: a.inDump + t.inDump }), { count: 0, size: 0, inDump: 0 });
  const touchedSum = touchedByKind ? [touchedCell([...touchedByKind.values()].reduce((a, b) => a + b, 0))] : [];
  const footer = [['[TOTAL]', String(sum.count), maddressSize(sum.size), groupedBytes(sum.size), percent(totals.length > 0 ? 100 : 0), maddressSize(sum.inDump), ...touchedSum]];
  return renderTable(columns, rows, footer);
}

export function imageTotalsText(totals: readonly ImageTotal[], options: TextWidthOptions = {}): string {
  const columns: TextColumn[] = [
    { title: 'Count', align: 'right' },
    { title: 'Size', align: 'right' },
    { title: 'Size (bytes)', align: 'right' },
    { title: 'In Dump', align: 'right' },
    { title: 'Image', align: 'left' },
  ];
  const rows = totals.map((t) => [String(t.count), maddressSize(t.size), groupedBytes(t.size), maddressSize(t.inDump), t.image]);
  return renderTable(columns, rows, [], widthOptions(options));
}

/** `touched`: census per region index; adds the stack's touched bytes. */
export function threadTableText(threads: readonly Thread[], touched?: readonly (number | undefined)[]): string {
  const columns: TextColumn[] = [
    { title: 'Tid', align: 'right' },
    { title: 'Signal', align: 'left' },
    { title: 'SP', align: 'right' },
    { title: 'Stack Size', align: 'right' },
    { title: 'Used', align: 'right' },
    ...(touched ? [{ title: 'Touched', align: 'right' as const }] : []),
    { title: 'PC', align: 'left' },
  ];
  const rows = threads.map((t) => [
    String(t.tid),
    t.signal === 0 ? '' : `${t.signal}${t.crashed ? ' (crashed)' : ''}`,
    t.sp === undefined ? '?' : hexAddress(t.sp),
    t.stackSize === undefined ? '' : maddressSize(t.stackSize),
    t.stackUsed === undefined ? '' : maddressSize(t.stackUsed),
    ...(touched ? [t.stackRegion === undefined ? '' : touchedCell(touched[t.stackRegion])] : []),
    t.pc === undefined ? '?' : `${hexAddress(t.pc)}${t.pcSymbol !== undefined ? ` ${t.pcSymbol}` : ''}`,
  ]);
  return renderTable(columns, rows);
}

/**
 * A few lines about the process and the dump, printed above the tables. `os`, `runtime`: what a scan's memory
 * evidence makes of them.
 */
export function overviewText(a: Analysis, os: OsIdentification | undefined = a.process.os, runtime: RuntimeInfo | undefined = a.process.runtime): string {
  const p = a.process;
  const lines = [
    `Process:  ${p.name ?? '?'} (pid ${p.pid ?? '?'})${p.args ? `  ${p.args}` : ''}`,
    `Signal:   ${signalLine(p)}`,
    `Dump:     ${a.dump.arch}, ${a.dump.bits}-bit ${a.dump.endian}-endian ${a.dump.os}, ${groupedBytes(a.dump.size)} bytes, written by ${a.dump.producer.name} (${a.dump.producer.evidence})`,
    `Contents: ${a.regions.length} regions, ${a.threads.length} threads, ${a.modules.length} modules`,
  ];
  if (os !== undefined) {
    lines.push(`OS:       ${os.name} (heuristic ${os.source}: ${os.evidence}${os.address !== undefined ? ` at ${hexAddress(os.address)}` : ''})`);
    if (os.ranked.length > 1) {
      const ranked = os.ranked.map((e) => ({ ...e, address: e.address === undefined ? undefined : hexAddress(e.address) }));
      lines.push('          evidence, strongest first:', ...osEvidenceLines(ranked).map((l) => `            ${l}`));
    }
  }
  if (runtime !== undefined) lines.push(`Runtime:  ${runtime.name} ${runtime.version ?? '(version unknown)'} (${runtime.evidence})`);
  return lines.join('\n');
}

/** A gcore snapshot of a live process was not signalled: its SIGSTOP is gdb's attach, not a cause of death. */
function signalLine(p: Analysis['process']): string {
  if (p.snapshot === true) return 'snapshot (gcore), not signalled';
  if (p.signal === undefined) return 'none';
  return `${p.signalName ?? p.signal}${p.faultAddress !== undefined ? ` at ${hexAddress(p.faultAddress)}` : ''}`;
}
