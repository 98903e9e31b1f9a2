/**
 * `coreview a b --compare`: the compare document as text, each part a table in the CLI's style, biggest
 * difference first, every difference B − A:
 *
 *   A: threads-50.core   25.94 MiB · pid 4242 (threads) · 51 threads
 *   B: threads-200.core  …
 *
 *   Threads: 51 → 201 (+150, +294.12%)
 *
 *   Per kind
 *   | Kind  | Count A | Count B | ± Count | Size A | Size B | ± Size | ± % |
 *   …
 * Images and stack groups list the changed rows and count the rest; findings are listed only in A, only in B,
 * changed (paired by rule and subject, compare-findings.ts: A's title, then B's), and the rest counted.
 */
import { fitPath } from '../format/fit-path';
import { humanSize } from '../format/size';
import { renderTable, type TextColumn } from '../format/text-table';
import type {
  CompareAmount,
  CompareDocument,
  CompareFinding,
  CompareFindingChange,
  CompareGroupRow,
  CompareSide,
  CompareStackMeasure,
} from './compare-document';
import { frameSignature } from './stack-signature';

export interface CompareTextOptions {
  /** A terminal's width: long paths and stacks are shortened to fit. */
  readonly width?: number;
}

/** Frames of a group's stack shown in its row (innermost first). */
const FRAMES_SHOWN = 4;

export function compareText(doc: CompareDocument, options: CompareTextOptions = {}): string {
  const parts = [
    sides(doc.a, doc.b),
    `Threads: ${doc.threads.a} → ${doc.threads.b} (${signedCount(doc.threads.diff)}, ${signedPercent(doc.threads)})`,
    kindsTable(doc),
    imagesTable(doc, options),
    groupsTable(doc, options),
    stackSizesTable(doc),
    findingsText(doc),
  ];
  return `${parts.filter((p) => p !== '').join('\n\n')}\n`;
}

function sides(a: CompareSide, b: CompareSide): string {
  const width = Math.max(a.name.length, b.name.length);
  const line = (label: string, s: CompareSide) => {
    const pid = s.pid === null ? 'no pid' : `pid ${s.pid}`;
    const process = s.process === null ? '' : ` (${s.process})`;
    const passes = [s.stacks ? 'stacks' : 'no stacks pass', ...(s.census ? [`census ${s.census}`] : [])];
    return `${label}: ${s.name.padEnd(width)}  ${humanSize(s.size)} · ${pid}${process} · ${s.threads} threads · ${passes.join(', ')}`;
  };
  return `${line('A', a)}\n${line('B', b)}\nDifferences are B − A, biggest first.`;
}

export function signedCount(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}

export function signedSize(n: number): string {
  return n > 0 ? `+${humanSize(n)}` : n < 0 ? `−${humanSize(-n)}` : '0';
}

export function signedPercent(x: CompareAmount): string {
  if (x.percent === null) return 'new';
  return x.percent > 0 ? `+${x.percent.toFixed(2)}%` : x.percent < 0 ? `−${(-x.percent).toFixed(2)}%` : '0%';
}

const R = 'right' as const;
const L = 'left' as const;

function sizeCells(x: CompareAmount): string[] {
  return [humanSize(x.a), humanSize(x.b), signedSize(x.diff), signedPercent(x)];
}

function countCells(x: CompareAmount): string[] {
  return [String(x.a), String(x.b), signedCount(x.diff)];
}

/** The columns countCells and sizeCells fill, in their order. */
const COUNT_SIZE_COLUMNS: readonly TextColumn[] = [
  'Count A',
  'Count B',
  '± Count',
  'Size A',
  'Size B',
  '± Size',
  '± %',
].map((title) => ({ title, align: R }));

function kindsTable(doc: CompareDocument): string {
  const touched = doc.kinds.some((k) => k.touched !== undefined);
  const columns: TextColumn[] = [
    { title: 'Kind', align: L },
    ...COUNT_SIZE_COLUMNS,
    ...(touched ? [{ title: '± Touched', align: R }] : []),
  ];
  const rows = doc.kinds.map((k) => [
    k.kind,
    ...countCells(k.count),
    ...sizeCells(k.size),
    ...(touched ? [k.touched === undefined ? '' : signedSize(k.touched.diff)] : []),
  ]);
  return `Per kind\n${renderTable(columns, rows)}`;
}

function imagesTable(doc: CompareDocument, options: CompareTextOptions): string {
  const changed = doc.images.filter((i) => i.size.diff !== 0 || i.count.diff !== 0);
  const same = doc.images.length - changed.length;
  const note = same > 0 ? `\n${same} image${same === 1 ? '' : 's'} the same on both sides.` : '';
  if (changed.length === 0) return `Per image: no differences (${doc.images.length} images).`;
  const columns: TextColumn[] = [...COUNT_SIZE_COLUMNS, { title: 'Image', align: L }];
  const rows = changed.map((i) => [...countCells(i.count), ...sizeCells(i.size), presenceNote(i.presence, i.image)]);
  const table = renderTable(columns, rows, [], { ...(options.width ? { width: options.width } : {}), fit: fitPath });
  return `Per image\n${table}${note}`;
}

function presenceNote(presence: 'both' | 'only-a' | 'only-b', text: string): string {
  return presence === 'only-a' ? `${text} (only in A)` : presence === 'only-b' ? `${text} (only in B)` : text;
}

/** The group's frames, innermost first, shortened to fit a terminal line. */
export function groupStackText(g: CompareGroupRow, max = Infinity): string {
  const names = g.frames.map((f) => {
    const s = frameSignature(f);
    // The module's path is on the Threads view; here the function names say which stack it is.
    const bang = s.indexOf('!');
    return bang >= 0 ? s.slice(bang + 1) : s.slice(s.lastIndexOf('/') + 1);
  });
  const shown = names.slice(0, FRAMES_SHOWN).join(' ← ');
  const text = names.length > FRAMES_SHOWN ? `${shown} ← … (${names.length} frames)` : shown;
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

function groupsTable(doc: CompareDocument, options: CompareTextOptions): string {
  if (doc.stackGroups === undefined) {
    const missing = [doc.a.stacks ? undefined : 'A', doc.b.stacks ? undefined : 'B'].filter((s) => s !== undefined);
    return `Stack groups: not compared (no stacks pass in ${missing.join(' and ')}).`;
  }
  const changed = doc.stackGroups.filter((g) => g.status !== 'same');
  const same = doc.stackGroups.length - changed.length;
  if (changed.length === 0) return `Stack groups: the same ${doc.stackGroups.length} groups, each of the same size.`;
  const columns: TextColumn[] = [
    { title: 'Threads A', align: R },
    { title: 'Threads B', align: R },
    { title: '±', align: R },
    { title: 'Status', align: L },
    { title: 'Stack (innermost first)', align: L },
  ];
  const rows = changed.map((g) => [...countCells(g.threads), g.status, groupStackText(g)]);
  const fit = (cell: string, max: number) => (cell.length > max ? `${cell.slice(0, Math.max(1, max - 1))}…` : cell);
  const table = renderTable(columns, rows, [], { ...(options.width ? { width: options.width } : {}), fit });
  const note = same > 0 ? `\n${same} group${same === 1 ? '' : 's'} of the same size on both sides.` : '';
  return `Stack groups\n${table}${note}`;
}

function stackSizesTable(doc: CompareDocument): string {
  const s = doc.stackSizes;
  const columns: TextColumn[] = [
    { title: 'Stacks', align: L },
    { title: 'A', align: R },
    { title: 'B', align: R },
    { title: '±', align: R },
    { title: '± %', align: R },
  ];
  const measureRows = (label: string, m: CompareStackMeasure) => [
    [`${label}, total`, ...sizeCells(m.total)],
    [`${label}, largest`, ...sizeCells(m.max)],
    [`${label}, median`, ...sizeCells(m.median)],
  ];
  const rows = [
    ['Threads with a stack', ...countCells(s.threadsWithStack), signedPercent(s.threadsWithStack)],
    ...measureRows('Reserve', s.reserve),
    ...measureRows('Used', s.used),
    ...(s.touched ? measureRows('Touched', s.touched) : []),
    ...s.byReserve.map((r) => [
      `Threads with ${humanSize(r.size)} stacks`,
      ...countCells(r.threads),
      signedPercent(r.threads),
    ]),
  ];
  return `Stack sizes\n${renderTable(columns, rows)}`;
}

function findingLines(list: readonly CompareFinding[]): string {
  return list.map((f) => `  [${f.severity}] ${f.title} (${f.id})`).join('\n');
}

/** A's title over B's, each with its severity. */
function changeLines(list: readonly CompareFindingChange[]): string {
  return list.map((c) => `  [${c.a.severity}] ${c.a.title} (${c.id})\n    → [${c.b.severity}] ${c.b.title}`).join('\n');
}

function findingsText(doc: CompareDocument): string {
  const f = doc.findings;
  if (f === undefined) return 'Findings: not compared (one side has none: a report made before findings).';
  const parts = [
    f.onlyA.length > 0 ? `Findings only in A:\n${findingLines(f.onlyA)}` : 'Findings only in A: none.',
    f.onlyB.length > 0 ? `Findings only in B:\n${findingLines(f.onlyB)}` : 'Findings only in B: none.',
    f.changed.length > 0 ? `Findings changed (A → B):\n${changeLines(f.changed)}` : 'Findings changed: none.',
    `${f.same.length} finding${f.same.length === 1 ? '' : 's'} the same on both sides.`,
  ];
  return parts.join('\n');
}
