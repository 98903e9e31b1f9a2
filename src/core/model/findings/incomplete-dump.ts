/**
 * Rule `incomplete-dump`: memory the process had that the dump does not hold, and what its absence hides.
 *
 *   truncated     the file ends before a segment's bytes do (a copy cut short, a disk that filled up, a core
 *                 size limit): region.truncated, set where p_filesz reaches past the end of the file
 *   left out     accessible anonymous memory the writer chose not to write (region.inDump < size): the kernel's
 *                 coredump_filter (/proc/PID/coredump_filter: bit 0 private, bit 1 shared anonymous memory,
 *                 bits 5-6 huge pages) and MADV_DONTDUMP; gcore honours both; createdump writes what its dump
 *                 type asks for
 *   file-backed   pages of mapped files the dump lacks (the kernel writes only an ELF image's first page, gcore
 *                 leaves unmodified file mappings out): normal, their bytes are in the files; counted, but alone
 *                 they do not make a finding
 *
 * No-access memory (reservations, guard pages) has no bytes to write and is not counted, nor the vDSO's data
 * pages, which no writer dumps. It fires on any truncated region (a problem) or any left-out anonymous memory
 * (a warning).
 */
import type { Finding, FindingEvidence, Region } from '../../types';
import type { FindingsInput } from './finding-input';
import { count, humanSize } from './finding-text';

export const INCOMPLETE_DUMP = 'incomplete-dump';

function accessible(r: Region): boolean {
  return r.state !== 'MEM_RESERVE' && /[rwx]/.test(r.perms);
}

export function incompleteDump(input: FindingsInput): Finding | undefined {
  const { analysis } = input;
  const truncated: Region[] = [];
  const leftOut: Region[] = [];
  let fileMissing = 0;
  let fileRegions = 0;
  for (const r of analysis.regions) {
    if (r.inDump >= r.size) continue;
    if (r.truncated) truncated.push(r);
    else if (r.image !== undefined) {
      fileMissing += r.size - r.inDump;
      fileRegions++;
    } else if (accessible(r) && r.kind !== 'Vdso') leftOut.push(r);
  }
  if (truncated.length === 0 && leftOut.length === 0) return undefined;
  const missing = (rs: readonly Region[]) => rs.reduce((sum, r) => sum + r.size - r.inDump, 0);
  const stackTids = new Set<number>();
  for (const t of analysis.threads) {
    const r = analysis.regions[t.stackRegion ?? -1];
    if (r !== undefined && r.inDump < r.size) stackTids.add(t.tid);
  }
  const producer = analysis.dump.producer.name;
  const parts: string[] = [];
  const evidence: FindingEvidence[] = [];
  if (truncated.length > 0) {
    parts.push(
      `The dump file ends early: ${count(truncated.length, 'region')} lack their last ${humanSize(missing(truncated))} (the file is shorter than its program headers say; a copy cut short, a full disk or a core size limit).`,
    );
    evidence.push({
      kind: 'regions',
      starts: truncated.map((r) => r.start),
      text: count(truncated.length, 'truncated region'),
    });
  }
  if (leftOut.length > 0) {
    parts.push(
      `${count(leftOut.length, 'accessible anonymous region')} (${humanSize(missing(leftOut))}) ${leftOut.length === 1 ? 'is' : 'are'} not in the dump: ${whyLeftOut(producer)}`,
    );
    evidence.push({
      kind: 'regions',
      starts: leftOut.map((r) => r.start),
      text: `${count(leftOut.length, 'region')} not in the dump`,
    });
  }
  parts.push(
    'What is not in the dump reads as unknown, never as zeros: the census cannot count it, a search cannot find in it, and a stack walk stops where it reaches it.',
  );
  if (stackTids.size > 0) {
    parts.push(
      `${count(stackTids.size, 'thread')} ${stackTids.size === 1 ? 'has' : 'have'} part of the stack missing: their frames may stop early.`,
    );
    evidence.push({
      kind: 'threads',
      tids: [...stackTids],
      text: `${count(stackTids.size, 'thread')} with a stack not wholly in the dump`,
    });
  }
  if (fileRegions > 0) {
    parts.push(
      `(${count(fileRegions, 'file-backed region')}, ${humanSize(fileMissing)}, are not in the dump either: normal, as writers leave mapped files' unchanged pages to the files.)`,
    );
  }
  return {
    id: INCOMPLETE_DUMP,
    severity: truncated.length > 0 ? 'problem' : 'warning',
    title:
      truncated.length > 0
        ? `The dump is truncated: ${humanSize(missing(truncated))} missing`
        : `${humanSize(missing(leftOut))} of anonymous memory not in the dump`,
    detail: parts.join(' '),
    advice:
      truncated.length > 0
        ? "Take the dump again to a disk with room, without a size limit on it (ulimit -c unlimited, systemd-coredump's ProcessSizeMax and ExternalSizeMax), and copy it whole."
        : "To have it next time: the kernel's /proc/PID/coredump_filter (0x33 by default; bits 0-1 anonymous memory, 5-6 huge pages), which gcore honours too; with .NET, createdump's --full (DOTNET_DbgMiniDumpType=4).",
    evidence,
  };
}

function whyLeftOut(producer: string): string {
  switch (producer) {
    case 'kernel':
      return "the kernel left it out, as the process's coredump_filter or an madvise(MADV_DONTDUMP) asked.";
    case 'gdb gcore':
      return "gcore left it out, honouring the process's coredump_filter and madvise(MADV_DONTDUMP) (or it could not read it).";
    case 'createdump':
      return 'createdump writes what its dump type asks for: a heap or mini dump leaves memory the runtime does not need out.';
    default:
      return 'the writer left it out (a coredump_filter, madvise(MADV_DONTDUMP), or its dump type).';
  }
}
