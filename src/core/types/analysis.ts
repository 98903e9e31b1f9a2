import type { AuxvEntry, DumpInfo } from './dump';
import type { FileMapping, Module } from './module';
import type { ProcessInfo } from './process';
import type { Region } from './region';
import type { Thread } from './thread';
import type { ImageTotal, KindTotal } from './totals';

/**
 * The engine's result: what one core dump says about its process. The JSON document (format/json-document.ts)
 * turns addresses into lower-case `0x…` strings at the edge.
 */
export interface Analysis {
  readonly dump: DumpInfo;
  readonly process: ProcessInfo;
  readonly regions: Region[];
  readonly totals: KindTotal[];
  readonly imageTotals: ImageTotal[];
  readonly threads: Thread[];
  readonly modules: Module[];
  readonly files: FileMapping[];
  readonly auxv: AuxvEntry[];
}
