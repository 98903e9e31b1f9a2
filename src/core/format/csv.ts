import type { Region } from '../model/types';
import { hexAddress } from './address';

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
function field(value: string | number | undefined): string {
  if (value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function regionsCsv(regions: readonly Region[]): string {
  const header = ['kind', 'heuristic', 'start', 'end', 'size', 'type', 'state', 'protect', 'inDump', 'tid', 'image', 'fileOffset'];
  const rows = regions.map((r) =>
    [r.kind, r.heuristic?.name, hexAddress(r.start), hexAddress(r.end), r.size, r.type, r.state, r.protect, r.inDump, r.tid, r.image, r.fileOffset].map(field).join(','),
  );
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}
