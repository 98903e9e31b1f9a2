import type { ReportRegion } from './report-document';
import { knownOr } from './report-tables';

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
function field(value: string | number | undefined): string {
  if (value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The JSON document's regions as CSV; `census`: add the touched column (empty where a region is not in yet). */
export function regionsCsv(regions: readonly ReportRegion[], census: boolean): string {
  const header = [
    'kind',
    'heuristic',
    'start',
    'end',
    'size',
    'type',
    'state',
    'protect',
    'inDump',
    ...(census ? ['touched'] : []),
    'tid',
    'image',
    'fileOffset',
  ];
  const rows = regions.map((r) =>
    [
      r.kind,
      r.heuristic?.name,
      r.start,
      r.end,
      r.size,
      r.type,
      knownOr(r.state),
      knownOr(r.protect),
      r.inDump,
      ...(census ? [r.touched] : []),
      r.tid,
      r.image,
      r.fileOffset,
    ]
      .map(field)
      .join(','),
  );
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}
