/**
 * Rule `dotnet-gc-reserve`: what the .NET GC reserves against what it uses. The GC reserves its whole range up
 * front (256 GiB by default on 64-bit with regions, .NET 7 on) and commits pieces of it, so its reservation
 * dwarfs everything else in the address space while costing no memory. The regions are classify.ts's
 * `dotnet-gc-reservation` heuristic: read-write pieces (GCHeap) inside a no-access run of 256 MiB or more in a
 * process that maps libcoreclr.so. It fires whenever there are GCHeap regions: information, so that nobody reads
 * the reservation as memory.
 */
import { anonymousRuns } from '../anonymous-runs';
import type { Finding, FindingEvidence, Region } from '../../types';
import { envEvidence, envVariables, readHexSetting, STARTED_WITH } from './environment';
import type { FindingsInput } from './finding-input';
import { count, humanSize, share } from './finding-text';

export const DOTNET_GC_RESERVE = 'dotnet-gc-reserve';

/** GC settings, all read as hexadecimal but the boolean ones. */
const GC_HEX_SETTINGS = [
  'GCHeapHardLimit',
  'GCHeapHardLimitPercent',
  'GCgen0size',
  'GCHeapCount',
  'GCRegionRange',
  'GCRegionSize',
];
const GC_FLAG_SETTINGS = ['gcServer', 'GCgen0MaxBudget', 'GCConserveMemory', 'gcConcurrent'];

export function dotnetGcReserve(input: FindingsInput): Finding | undefined {
  const { analysis, census } = input;
  const { regions } = analysis;
  let reserved = 0;
  let committed = 0;
  let touched = 0;
  let touchedKnown = census !== undefined;
  const starts: bigint[] = [];
  const runs = gcRuns(regions);
  for (const run of runs) {
    for (let i = run.first; i <= run.last; i++) {
      const r = regions[i];
      if (r === undefined) continue;
      reserved += r.size;
      if (r.kind !== 'GCHeap') continue;
      committed += r.size;
      starts.push(r.start);
      const t = census?.touched[i];
      if (t === undefined || Number.isNaN(t)) touchedKnown = false;
      else touched += t;
    }
  }
  if (starts.length === 0) return undefined;
  const whole = analysis.totals.reduce((sum, t) => sum + t.size, 0);
  const parts = [
    `The .NET GC's ${count(runs.length, 'reservation')} span ${humanSize(reserved)} (${share(reserved, whole)} of the address space); ${humanSize(committed)} of it is committed (read-write, ${count(starts.length, 'GCHeap region')})${touchedKnown ? ` and ${humanSize(touched)} touched (holds non-zero pages)` : ', and how much is touched needs the census'}.`,
    'The reservation is address space, not memory: it costs no RAM and is not in the dump; committed memory counts against a container limit only where touched.',
    "Heuristic dotnet-gc-reservation: read-write anonymous memory inside a no-access run of 256 MiB or more, in a process that maps libcoreclr.so (without the runtime's own data it cannot be confirmed).",
  ];
  const evidence: FindingEvidence[] = [
    { kind: 'regions', starts, text: `${count(starts.length, 'GCHeap region')}, ${humanSize(committed)} committed` },
  ];
  const names = [...GC_HEX_SETTINGS, ...GC_FLAG_SETTINGS].flatMap((n) => [`DOTNET_${n}`, `COMPlus_${n}`]);
  const vars = envVariables(input.environment, names);
  if (vars.length > 0) {
    const said = vars.map((v) => {
      const hexSetting = GC_HEX_SETTINGS.some((n) => v.name.endsWith(`_${n}`));
      return hexSetting ? `${readHexSetting(v).text}.` : `The process started with ${v.name}=${v.value}.`;
    });
    parts.push(`${said.join(' ')} ${STARTED_WITH}`);
    for (const v of vars) evidence.push(envEvidence(v, 'a GC setting'));
  }
  return {
    id: DOTNET_GC_RESERVE,
    severity: 'info',
    title: `.NET GC: ${humanSize(reserved)} reserved, ${humanSize(committed)} committed`,
    detail: parts.join(' '),
    advice:
      'Nothing to change for the reservation alone. Where address space is limited (ulimit -v, overcommit off), DOTNET_GCRegionRange bounds it, and DOTNET_GCHeapHardLimit bounds the heap and with it the reservation: both are read as hexadecimal bytes (20000000 = 0x20000000 = 512 MiB).',
    evidence,
  };
}

/** Runs of adjacent anonymous regions holding GCHeap pieces (the GC's reservations), as region index ranges. */
function gcRuns(regions: readonly Region[]): { readonly first: number; readonly last: number }[] {
  return anonymousRuns(regions).filter(({ first, last }) =>
    regions.slice(first, last + 1).some((r) => r.kind === 'GCHeap'),
  );
}
