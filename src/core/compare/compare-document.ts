import type { FindingSeverity } from '../types';
import type { ReportFrame } from '../format/report-document';

/**
 * Two analyses side by side: `coreview a b --compare --json`, and what the page's Compare view shows. A is the
 * first (the dump on screen), B the second; every difference is B − A, so "grew" means B has more.
 *
 *   {
 *     "format": "coreview-compare", "version": 1,
 *     "a": { "name": "threads-50.core", "size": …, "threads": 51, "stacks": true, … },
 *     "b": { "name": "threads-200.core", … },
 *     "threads": { "a": 51, "b": 201, "diff": 150, "percent": 294.12 },
 *     "kinds":  [ { "kind": "Stack", "presence": "both", "count": {…}, "size": {…}, "inDump": {…},
 *                   "link": { "view": "regions", "kind": "Stack" } }, … ],
 *     "images": [ { "image": "/usr/lib/…/libc.so.6", …, "link": { "view": "regions", "text": "/usr/lib/…" } }, … ],
 *     "stackGroups": [ { "status": "grew", "threads": { "a": 50, "b": 200, "diff": 150, … }, "frames": […],
 *                        "tidsA": […], "tidsB": […], "link": { "view": "threads", "tids": […] } }, … ],
 *     "stackSizes": { "threadsWithStack": {…}, "reserve": { "total": {…}, "max": {…}, "median": {…} }, … },
 *     "findings": { "onlyA": […], "onlyB": […],
 *                   "changed": [ { "id": "same-stack", "a": { "title": "50 threads in …", "severity": "warning" },
 *                                  "b": { "title": "200 threads in …", … }, "link": { "view": "threads", … } } ],
 *                   "same": […] }
 *   }
 *
 * Lists come biggest difference first. A `link` names the rows of side A behind an entry (the page opens them);
 * an entry only B has carries none. Optional fields are absent, never null, unless typed `| null`.
 */
export interface CompareDocument {
  readonly format: 'coreview-compare';
  readonly version: 1;
  readonly a: CompareSide;
  readonly b: CompareSide;
  /** Threads in the process. */
  readonly threads: CompareAmount;
  /** Per-kind totals (Stack, Heap, Image, …), biggest size difference first. */
  readonly kinds: readonly CompareKindRow[];
  /** Per-image totals (mapped files), biggest size difference first. */
  readonly images: readonly CompareImageRow[];
  /**
   * Groups of identical stacks, matched between the two by their frames' names and modules (never by raw pcs,
   * which address-space layout randomisation moves); biggest change in thread count first. Absent unless both
   * sides ran the stacks pass (`a.stacks` and `b.stacks`).
   */
  readonly stackGroups?: readonly CompareGroupRow[];
  readonly stackSizes: CompareStackSizes;
  /** Absent unless both sides carry findings (`a.findings` and `b.findings`; reports before findings lack them). */
  readonly findings?: CompareFindings;
}

/** One side: which dump or report it is, and which passes its document holds. */
export interface CompareSide {
  readonly name: string;
  /** The dump's size in bytes. */
  readonly size: number;
  readonly pid: number | null;
  readonly process: string | null;
  readonly producer: string;
  readonly threads: number;
  readonly regions: number;
  /** The document has the stacks pass (stack groups). */
  readonly stacks: boolean;
  /** The document has findings. */
  readonly findings: boolean;
  /** The census' state, when one ran (touched bytes are compared only when both sides have one). */
  readonly census?: 'complete' | 'incomplete';
}

/** A number on both sides. */
export interface CompareAmount {
  readonly a: number;
  readonly b: number;
  /** b − a. */
  readonly diff: number;
  /** diff as a percentage of a, two decimals; null when a is 0 and b is not (nothing to be a share of). */
  readonly percent: number | null;
}

/** Whether an entry (a kind, an image, a finding) is on both sides or on one only. */
export type ComparePresence = 'both' | 'only-a' | 'only-b';

/** The rows of side A behind an entry: Regions filtered by kind or by path text, or Threads limited to tids. */
export type CompareLink =
  | { readonly view: 'regions'; readonly kind: string }
  | { readonly view: 'regions'; readonly text: string }
  | { readonly view: 'threads'; readonly tids: readonly number[] };

export interface CompareKindRow {
  readonly kind: string;
  readonly presence: ComparePresence;
  readonly count: CompareAmount;
  readonly size: CompareAmount;
  readonly inDump: CompareAmount;
  /** Touched bytes, when both sides have a census. */
  readonly touched?: CompareAmount;
  readonly link?: CompareLink;
}

export interface CompareImageRow {
  readonly image: string;
  readonly presence: ComparePresence;
  readonly count: CompareAmount;
  readonly size: CompareAmount;
  readonly inDump: CompareAmount;
  readonly link?: CompareLink;
}

/** grew / shrank / same: on both sides; new: only in B; gone: only in A. */
export type CompareGroupStatus = 'grew' | 'shrank' | 'same' | 'new' | 'gone';

export interface CompareGroupRow {
  /** The frames' identity, innermost first, one `module!symbol` (or `module+0xoffset`) a line. */
  readonly key: string;
  readonly status: CompareGroupStatus;
  readonly threads: CompareAmount;
  /** A representative stack (side A's where A has the group), innermost first. */
  readonly frames: readonly ReportFrame[];
  readonly tidsA: readonly number[];
  readonly tidsB: readonly number[];
  readonly link?: CompareLink;
}

/** A stack measure over the threads whose sp lies in a Stack region. */
export interface CompareStackMeasure {
  readonly total: CompareAmount;
  readonly max: CompareAmount;
  readonly median: CompareAmount;
}

export interface CompareStackSizes {
  readonly threadsWithStack: CompareAmount;
  /** The stack regions' sizes: what each thread reserved. */
  readonly reserve: CompareStackMeasure;
  /** From sp to the stack's top: what each thread used when the dump was taken. */
  readonly used: CompareStackMeasure;
  /** The stacks' touched (non-zero) pages, when both sides have a census: the high-water marks' footprint. */
  readonly touched?: CompareStackMeasure;
  /** Threads per stack reserve size (8 MiB: 50 → 200), biggest change first. */
  readonly byReserve: readonly CompareReserveRow[];
}

export interface CompareReserveRow {
  readonly size: number;
  readonly threads: CompareAmount;
  readonly link?: CompareLink;
}

/**
 * Findings matched by their rule's `id`. A rule that can report several findings in one dump (same-stack: one a
 * stack group) has each paired by its subject, the stack group its evidence names (matched by frames, as
 * stackGroups are); findings whose subject cannot be told are paired in their order. A pair whose title or
 * severity differs is `changed` (a title carries its figures: "50 threads in recv" → "200 threads in recv").
 */
export interface CompareFindings {
  readonly onlyA: readonly CompareFinding[];
  readonly onlyB: readonly CompareFinding[];
  readonly changed: readonly CompareFindingChange[];
  /** On both sides with the same title and severity. */
  readonly same: readonly CompareFinding[];
}

/** A finding on one side only, or the same on both. */
export interface CompareFinding {
  readonly id: string;
  readonly title: string;
  readonly severity: FindingSeverity;
  readonly link?: CompareLink;
}

/** A finding on both sides whose title or severity differs: A's and B's. */
export interface CompareFindingChange {
  readonly id: string;
  readonly a: CompareFindingSide;
  readonly b: CompareFindingSide;
  readonly link?: CompareLink;
}

export interface CompareFindingSide {
  readonly title: string;
  readonly severity: FindingSeverity;
}
