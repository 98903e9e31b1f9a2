/** The search's one-line status: progress while it runs, then what it found and where it stopped. */
import type { SearchState } from '../../state/use-search';
import { groupedBytes, humanSize } from '../../core/format/size';

export function searchStatusText(s: SearchState): string {
  const p = s.progress;
  const n = groupedBytes(s.hits.length);
  const hits = `${n} hit${s.hits.length === 1 ? '' : 's'}`;
  const what =
    s.query.kind === 'hex'
      ? 'bytes'
      : `“${s.query.text}”${s.query.kind === 'utf16le' ? ' (UTF-16LE)' : ''}${s.query.caseInsensitive ? ', ignoring case' : ''}`;
  const pct = p === undefined || p.bytesTotal === 0 ? 0 : Math.floor((p.bytesDone / p.bytesTotal) * 100);
  switch (s.status) {
    case 'running':
      return `Searching for ${what}… ${pct} % · ${hits} so far`;
    case 'paused':
      return `${hits} for ${what} — stopped at the limit of ${groupedBytes(s.limit)} after ${pct} % of the memory; more may follow.`;
    case 'done':
      return `${hits} for ${what} in ${humanSize(p?.bytesTotal ?? 0)} of dumped memory${p === undefined ? '' : ` (${(p.elapsedMs / 1000).toFixed(1)} s)`}.`;
    case 'cancelled':
      return `Cancelled after ${pct} %: ${hits} for ${what}.`;
    case 'failed':
      return `The search stopped: ${s.message ?? 'the engine worker was lost'}. ${hits} so far.`;
    case 'invalid':
      return s.message ?? 'Invalid pattern';
  }
}
