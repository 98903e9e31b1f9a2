import type { CensusItem, CensusPartial } from '../core/scan/census';
import type { OsClue } from '../core/scan/identify-os';
import type { SearchHit, SearchItem } from '../core/scan/search';
import type { CompiledPattern } from '../core/scan/search-pattern';

/** Messages between the CLI and its scan worker threads (structured-cloned: plain data, typed arrays, bigints). */
export type ScanJob =
  | { readonly kind: 'census'; readonly id: number; readonly item: CensusItem }
  | { readonly kind: 'search'; readonly id: number; readonly item: SearchItem; readonly pattern: CompiledPattern; readonly limit: number };

export type ScanReply =
  | { readonly kind: 'census'; readonly id: number; readonly partial: CensusPartial; readonly clues: OsClue[] }
  | { readonly kind: 'search'; readonly id: number; readonly hits: SearchHit[] }
  | { readonly kind: 'error'; readonly id: number; readonly message: string };

/** workerData of each scan worker: the dump to open (each worker opens its own handle). */
export interface ScanWorkerData {
  readonly path: string;
}
