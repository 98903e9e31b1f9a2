/**
 * Rule `glibc-arenas`: glibc's malloc arena heaps (the `glibc-arena-heap-info` heuristic of glibc-heaps.ts) and
 * what they reserve. Each heap is a reservation of HEAP_MAX_SIZE (64 MiB on 64-bit, 1 MiB on 32-bit); glibc
 * makes up to 8 arenas per core, each thread taking one as it first mallocs, so a process with many threads can
 * reserve gigabytes this way. It fires from 8 heaps on; a warning from 1 GiB reserved.
 */
import type { Finding, FindingEvidence } from '../../types';
import { envEvidence, envVariable, STARTED_WITH } from './environment';
import type { FindingsInput } from './finding-input';
import { count, GiB, humanSize, MiB, share } from './finding-text';

export const GLIBC_ARENAS = 'glibc-arenas';
export const ARENA_HEAP_HEURISTIC = 'glibc-arena-heap-info';
export const ARENAS_MIN_HEAPS = 8;

export function glibcArenas(input: FindingsInput): Finding | undefined {
  const { analysis, census } = input;
  const heapMax = analysis.dump.bits === 64 ? 64 * MiB : MiB;
  const windows = new Set<bigint>();
  const arenas = new Set<string>();
  const starts: bigint[] = [];
  let committed = 0;
  let touched = 0;
  let touchedKnown = census !== undefined;
  analysis.regions.forEach((r, i) => {
    if (r.heuristic?.name !== ARENA_HEAP_HEURISTIC) return;
    windows.add(r.start - (r.start % BigInt(heapMax)));
    starts.push(r.start);
    // The heuristic's evidence names the heap's arena (its malloc_state): heaps of one arena share it.
    const arena = / arena (0x[0-9a-f]+)/.exec(r.heuristic.evidence)?.[1];
    if (arena !== undefined) arenas.add(arena);
    if (r.state === 'MEM_COMMIT') committed += r.size;
    const t = census?.touched[i];
    if (t === undefined || Number.isNaN(t)) touchedKnown = false;
    else touched += t;
  });
  const heaps = windows.size;
  if (heaps < ARENAS_MIN_HEAPS) return undefined;
  const reserved = heaps * heapMax;
  const whole = analysis.totals.reduce((sum, t) => sum + t.size, 0);
  const maxVar = envVariable(input.environment, 'MALLOC_ARENA_MAX');
  const suggested = Math.max(2, Math.min(4, Math.floor(heaps / 2)));
  const parts = [
    `${count(heaps, 'glibc malloc arena heap')}${arenas.size > 0 ? ` (of ${count(arenas.size, 'arena')})` : ''} × ${humanSize(heapMax)} reserved = ${humanSize(reserved)} (${share(reserved, whole)} of the address space), of which ${humanSize(committed)} read-write${touchedKnown ? ` and ${humanSize(touched)} touched` : ' (touched: needs the census)'}.`,
    `Heuristic glibc-arena-heap-info: a ${humanSize(heapMax)}-aligned anonymous region that starts with a glibc heap_info, and the anonymous regions of its window. glibc gives threads arenas of their own, up to 8 per core by default, so the count grows with the threads that malloc at once; the reservation is address space, and only the touched part memory.`,
  ];
  const evidence: FindingEvidence[] = [
    { kind: 'regions', starts, text: `${count(starts.length, 'region')} in ${count(heaps, 'arena heap')}` },
  ];
  if (maxVar !== undefined) {
    parts.push(`The process started with MALLOC_ARENA_MAX=${maxVar.value}. ${STARTED_WITH}`);
    evidence.push(envEvidence(maxVar, 'caps the number of arenas'));
  }
  return {
    id: GLIBC_ARENAS,
    severity: reserved >= GiB ? 'warning' : 'info',
    title: `${count(heaps, 'malloc arena heap')} reserve ${humanSize(reserved)}`,
    detail: parts.join(' '),
    advice: `MALLOC_ARENA_MAX=${suggested} in the process's environment caps the arenas at ${suggested}, main arena included (about ${humanSize((suggested - 1) * heapMax)} reserved for thread arenas that keep to one heap each${maxVar === undefined ? '' : `; MALLOC_ARENA_MAX=${maxVar.value} is set now`}). Fewer arenas mean more contention on malloc's locks when many threads allocate at once: measure before and after.`,
    fix: `MALLOC_ARENA_MAX=${suggested}`,
    evidence,
  };
}
