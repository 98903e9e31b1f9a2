/**
 * What a view read from a saved report carries beyond the tables (AnalysisView.report): what matches a dump given
 * later to it, and the results the page otherwise computes itself — the census, the stacks pass, the findings —
 * which the page takes into its census and stacks state as they were when the report was saved.
 */
import type { Finding, ModuleSymbolStatus, RuntimeInfo, StackGroup, Syscall, ThreadStack } from '../src/core/types';
import type { ReportOs } from '../src/core/format/report-document';

export interface ReportContents {
  /** The dump's file name, size and fingerprint as the report names them (the fingerprint: absent in older reports). */
  readonly dumpName: string;
  readonly dumpSize: number;
  readonly fingerprint?: string;
  /** The census when the report was saved with one (dump.census). */
  readonly census?: ReportCensus;
  /** By thread index: the system call each thread was in (every report of a Linux core has them). */
  readonly syscalls: readonly (Syscall | undefined)[];
  /** The stacks pass's results, when the report holds them (stackGroups). */
  readonly stacks?: ReportStacks;
  readonly findings: readonly Finding[];
}

export interface ReportCensus {
  readonly complete: boolean;
  /** Touched bytes per region index; NaN where the report has none. */
  readonly touched: Float64Array;
  /** Per thread index: the stack region's touched bytes; NaN where none. */
  readonly threadTouched: Float64Array;
  /** Per thread index: the stack's high-water depth; NaN where none. */
  readonly threadDepth: Float64Array;
  /** The OS as the census weighed it (the page's OsView). */
  readonly os?: Omit<ReportOs, 'heuristic'>;
  readonly runtime?: RuntimeInfo;
}

export interface ReportStacks {
  /** By thread index; undefined where the report has no frames for the thread. */
  readonly stacks: readonly (ThreadStack | undefined)[];
  readonly groups: readonly StackGroup[];
  /** By module index. */
  readonly modules: readonly ModuleSymbolStatus[];
}
