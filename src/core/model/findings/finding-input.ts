/**
 * What the findings are computed from: the header pass's analysis and, when they are in, the stacks pass (frames,
 * groups, system calls, the environment) and the census (touched bytes per region, each thread's stack high-water
 * mark). Every rule works with what it is given and says what a missing part would have told.
 */
import type { Analysis, ProcessEnvironment, StackGroup, Syscall, ThreadStack } from '../../types';

export interface FindingsCensus {
  /** Touched bytes per region index (Analysis.regions order); NaN where unknown. */
  readonly touched: Float64Array;
  /** Per thread index (Analysis.threads order): stack top minus the deepest touched page, bytes; NaN unknown. */
  readonly threadDepth: Float64Array;
}

export interface FindingsInput {
  readonly analysis: Analysis;
  readonly stacks?: readonly ThreadStack[];
  /** groupStacks(stacks): computed here when absent and stacks are given. */
  readonly groups?: readonly StackGroup[];
  /** By tid. */
  readonly syscalls?: ReadonlyMap<number, Syscall>;
  readonly environment?: ProcessEnvironment;
  readonly census?: FindingsCensus;
}
