/**
 * The workspace over an empty analysis, mounted (unseen and inert) from the page's start until its first dump is
 * shown.
 *
 * The first time the page shows a dump it pays for more than the dump: React's first mount of the tabs, filters
 * and tables, and Chromium's first style and layout of them. Paid at the page's start, that work is done while
 * the user picks a file; when the analysis arrives the same components only take its data. It used to be mounted
 * when the first dump was picked, to overlap the worker's header pass — but on a two-core machine the main
 * thread's work then slowed the worker and the browser's file reads it waits on (to compare two builds, run
 * `npm run bench` on each: it prints the header pass in the worker apart from the rest of the load).
 */
import type { AnalysisView, RegionColumns } from '../../workers/engine-protocol';
import type { ViewName } from '../state/hash-state';

/** Views that render from the analysis alone (search and memory ask the worker for more, which has no dump yet). */
export function premountable(view: ViewName): boolean {
  return view === 'overview' || view === 'regions' || view === 'threads' || view === 'totals';
}

const NO_REGIONS: RegionColumns = {
  count: 0,
  start: new BigUint64Array(0),
  end: new BigUint64Array(0),
  startRank: new Uint32Array(0),
  endRank: new Uint32Array(0),
  size: new Float64Array(0),
  inDump: new Float64Array(0),
  kind: new Uint16Array(0),
  kinds: [],
  type: new Uint8Array(0),
  types: [],
  state: new Uint8Array(0),
  states: [],
  protect: new Uint16Array(0),
  protects: [],
  image: new Int32Array(0),
  images: [],
  tid: new Int32Array(0),
  heuristic: new Int32Array(0),
  heuristics: [],
  truncated: new Uint8Array(0),
  dumpOffset: new Float64Array(0),
  perms: new Uint8Array(0),
  permsTable: [],
  addressDigits: 12,
};

/** An analysis of nothing, with an id no dump has (ids start at 1). */
export const PREMOUNT_VIEW: AnalysisView = {
  id: 0,
  fileName: '',
  analyzeMs: 0,
  overview: {
    process: {},
    dump: {
      size: 0,
      arch: '',
      bits: 64,
      endian: 'little',
      os: '',
      pageSize: 4096,
      producer: { name: '', evidence: '' },
      programHeaders: 0,
      loadSegments: 0,
      notes: 0,
      bytesRead: 0,
      warnings: [],
    },
    modules: [],
  },
  regions: NO_REGIONS,
  totals: [],
  imageTotals: [],
  threads: [],
};
