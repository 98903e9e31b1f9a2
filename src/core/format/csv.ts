import type { Region } from '../model/types';
import { hexAddress } from './address';
import { knownOr } from './maddress-text';

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
function field(value: string | number | undefined): string {
  if (value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `touched`: census bytes per row (index into `regions`), as the Touched column of the tables; adds a column. */
export function regionsCsv(regions: readonly Region[], touched?: readonly (number | undefined)[]): string {
  const header = ['kind', 'heuristic', 'start', 'end', 'size', 'type', 'state', 'protect', 'inDump', ...(touched ? ['touched'] : []), 'tid', 'image', 'fileOffset'];
  const rows = regions.map((r, i) =>
    [r.kind, r.heuristic?.name, hexAddress(r.start), hexAddress(r.end), r.size, r.type, knownOr(r.state), knownOr(r.protect), r.inDump, ...(touched ? [touched[i]] : []), r.tid, r.image, r.fileOffset]
      .map(field)
      .join(','),
  );
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}
