export interface TextColumn {
  readonly title: string;
  readonly align: 'left' | 'right';
}

export interface TableOptions {
  /** Characters per line (a terminal's width): the last column's cells are shortened by `fit` to stay within it. */
  readonly width?: number;
  /** Shortens a last-column cell to at most `max` characters (paths: fit-path.ts). */
  readonly fit?: (cell: string, max: number) => string;
}

/** The last column keeps at least this many characters, however narrow the terminal. */
const MIN_LAST_COLUMN = 20;

/**
 * A pipe-delimited table in SOS's style, ready to paste into a ticket:
 *   +-------------------------+
 *   | Title | Title           |
 *   +-------------------------+
 *   | value | value           |
 * `footer` rows (e.g. [TOTAL]) go below a second rule. The last left-aligned column is not padded (paths).
 */
export function renderTable(
  columns: readonly TextColumn[],
  rows: readonly (readonly string[])[],
  footer: readonly (readonly string[])[] = [],
  options: TableOptions = {},
): string {
  const fitted = fitLastColumn(columns, rows, footer, options);
  return render(columns, fitted.rows, fitted.footer);
}

function fitLastColumn(
  columns: readonly TextColumn[],
  rows: readonly (readonly string[])[],
  footer: readonly (readonly string[])[],
  options: TableOptions,
): { rows: readonly (readonly string[])[]; footer: readonly (readonly string[])[] } {
  const last = columns.length - 1;
  const fit = options.fit;
  if (options.width === undefined || fit === undefined || last < 0) return { rows, footer };
  // A line is "| " + each earlier column and " | " + the last cell; the rule is two characters longer.
  let prefix = 2;
  for (let i = 0; i < last; i++) prefix += columnWidth(columns, i, rows, footer) + 3;
  const max = Math.max(MIN_LAST_COLUMN, options.width - prefix - 2);
  const shorten = (r: readonly string[]) =>
    r.length > last ? [...r.slice(0, last), fit(r[last] ?? '', max), ...r.slice(last + 1)] : r;
  return { rows: rows.map(shorten), footer: footer.map(shorten) };
}

function columnWidth(
  columns: readonly TextColumn[],
  i: number,
  rows: readonly (readonly string[])[],
  footer: readonly (readonly string[])[],
): number {
  return Math.max(
    columns[i]?.title.length ?? 0,
    ...rows.map((r) => (r[i] ?? '').length),
    ...footer.map((r) => (r[i] ?? '').length),
  );
}

function render(
  columns: readonly TextColumn[],
  rows: readonly (readonly string[])[],
  footer: readonly (readonly string[])[],
): string {
  const last = columns.length - 1;
  const widths = columns.map((_, i) => columnWidth(columns, i, rows, footer));
  const line = (cells: readonly string[]) =>
    `| ${columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        if (i === last && c.align === 'left') return cell;
        return c.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join(' | ')}`.trimEnd();
  const rule = `+${'-'.repeat(widths.reduce((sum, w) => sum + w + 3, -1))}+`;
  const out = [rule, line(columns.map((c) => c.title)), rule, ...rows.map(line)];
  if (footer.length > 0) out.push(rule, ...footer.map(line));
  out.push(rule);
  return out.join('\n');
}
