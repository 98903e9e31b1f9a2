/**
 * The findings: what the analysis, the stacks and the census say together about where the process's memory
 * went and what its threads are doing, each with its evidence and, where one applies, the setting to change.
 * One rule per file; each returns nothing when it does not apply. Severity first (problem, warning, info), then
 * the rules' order here, so the list reads the same for every dump.
 */
import type { Finding, FindingSeverity } from '../../types';
import { groupStacks } from '../stack-groups';
import { dotnetGcReserve } from './dotnet-gc-reserve';
import type { FindingsInput } from './finding-input';
import { glibcArenas } from './glibc-arenas';
import { incompleteDump } from './incomplete-dump';
import { sameStack } from './same-stack';
import { threadStacksReserve } from './thread-stacks-reserve';

export type { FindingsInput } from './finding-input';
export { suggestedStackSize } from './stack-size-advice';
export { readHexSetting } from './environment';

const RANK: Readonly<Record<FindingSeverity, number>> = { problem: 0, warning: 1, info: 2 };

export function computeFindings(input: FindingsInput): Finding[] {
  const groups = input.groups ?? (input.stacks === undefined ? [] : groupStacks(input.stacks));
  // Where the memory went and what the threads do first; what the dump leaves out after (a truncated dump is a
  // problem and still comes first by its severity).
  const all: (Finding | undefined)[] = [
    threadStacksReserve({ ...input, groups }),
    ...sameStack(input, groups),
    glibcArenas(input),
    dotnetGcReserve(input),
    incompleteDump(input),
  ];
  const found = all.filter((f): f is Finding => f !== undefined);
  // Array.prototype.sort is stable: equal severities keep the rules' order.
  return found.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}
