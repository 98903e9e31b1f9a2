/**
 * What the page knows of the threads beyond their registers: the stacks pass's frames (streaming in after the
 * region table is shown), the system call each thread is blocked in (from its registers: there at once), the
 * groups of identical stacks, the process environment, the findings, and which modules' files were matched.
 */
import type { Finding, ModuleSymbolStatus, ProcessEnvironment, StackGroup, Syscall, ThreadStack } from '../core/types';

/** The root's `data-stacks`: off until a dump's stacks pass starts; incomplete when it ended early or failed. */
export type StacksStatus = 'running' | 'done' | 'incomplete' | 'off';

export interface StacksState {
  readonly status: StacksStatus;
  /** By thread index (AnalysisView.threads order); undefined until that thread's walk is in. */
  readonly stacks: readonly (ThreadStack | undefined)[];
  /** By thread index; undefined where the registers show no system call (or the architecture is not decoded). */
  readonly syscalls: readonly (Syscall | undefined)[];
  /** Largest first; complete only when status is 'done'. */
  readonly groups: readonly StackGroup[];
  readonly findings: readonly Finding[];
  readonly environment?: ProcessEnvironment;
  readonly modules: readonly ModuleSymbolStatus[];
  /** Threads walked so far, of all. */
  readonly done: number;
  readonly total: number;
  readonly warnings: readonly string[];
}
