export interface TextColumn {
  readonly title: string;
  readonly align: 'left' | 'right';
}

/**
 * A pipe-delimited table in SOS's style, ready to paste into a ticket:
 *   +-------------------------+
 *   | Title | Title           |
 *   +-------------------------+
 *   | value | value           |
 * `footer` rows (e.g. [TOTAL]) go below a second rule. The last left-aligned column is not padded (paths).
 */
export function renderTable(columns: readonly TextColumn[], rows: readonly (readonly string[])[], footer: readonly (readonly string[])[] = []): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length), ...footer.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        if (i === columns.length - 1 && c.align === 'left') return cell;
        return c.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join(' | ')}`.trimEnd();
  const rule = `+${'-'.repeat(widths.reduce((sum, w) => sum + w + 3, -1))}+`;
  const out = [rule, line(columns.map((c) => c.title)), rule, ...rows.map(line)];
  if (footer.length > 0) out.push(rule, ...footer.map(line));
  out.push(rule);
  return out.join('\n');
}
