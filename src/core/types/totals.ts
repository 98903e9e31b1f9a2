import type { MemoryKind } from './region';

export interface KindTotal {
  readonly kind: MemoryKind;
  readonly count: number;
  readonly size: number;
  readonly inDump: number;
  /** Share of the total virtual size, 0..100. */
  readonly percent: number;
  readonly heuristic: boolean;
}

export interface ImageTotal {
  readonly image: string;
  readonly count: number;
  readonly size: number;
  readonly inDump: number;
}
