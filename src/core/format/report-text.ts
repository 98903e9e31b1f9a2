import { regionsCsv } from './csv';
import type { ReportDocument } from './report-document';
import { overviewText } from './report-overview';
import { imageTotalsTable, kindTotalsTable, regionTable, threadTable } from './report-tables';

/**
 * What a report prints as:
 *   table         the CLI's default: overview, region table, kind totals (and image totals with `images`)
 *   summary       kind totals (and image totals with `images`)
 *   threads       the thread table
 *   json          the document itself
 *   regions       the region table alone (the page's Copy as text)
 *   totals        the kind totals alone
 *   image-totals  the per-image totals alone
 *   regions-csv   the regions as CSV (the page's Download CSV)
 */
export type ReportView =
  'table' | 'summary' | 'threads' | 'json' | 'regions' | 'totals' | 'image-totals' | 'regions-csv';

export interface ReportTextOptions {
  readonly view: ReportView;
  /** table and summary: add the per-image totals (`--images`). */
  readonly images?: boolean;
  /** regions, regions-csv and threads: only these rows (indexes into the document's list), in this order. */
  readonly rows?: Iterable<number>;
  /** Characters per line (a terminal's): long image paths are shortened to fit. Whole paths without. */
  readonly width?: number;
}

/**
 * The one place that decides what a report prints, for the CLI and the page alike: from the document alone, so a
 * saved document prints exactly as its dump did. Tables get Touched columns when the document has a census.
 */
export function reportText(doc: ReportDocument, options: ReportTextOptions): string {
  const census = doc.dump.census !== undefined;
  const { width } = options;
  const kindTotals = () => kindTotalsTable(doc.totals, doc.regions, census);
  const imageTotals = options.images === true ? [imageTotalsTable(doc.imageTotals, width)] : [];
  switch (options.view) {
    case 'json':
      return `${JSON.stringify(doc, null, 2)}\n`;
    case 'table':
      return blocks(
        overviewText(doc),
        regionTable(doc.regions, doc.dump.bits, census, width),
        kindTotals(),
        ...imageTotals,
      );
    case 'summary':
      return blocks(kindTotals(), ...imageTotals);
    case 'threads':
      return blocks(threadTable(pick(doc.threads, options.rows), census));
    case 'regions':
      return blocks(regionTable(pick(doc.regions, options.rows), doc.dump.bits, census, width));
    case 'totals':
      return blocks(kindTotals());
    case 'image-totals':
      return blocks(imageTotalsTable(doc.imageTotals, width));
    case 'regions-csv':
      return regionsCsv(pick(doc.regions, options.rows), census);
  }
}

/** Blocks of text a blank line apart, ending with a newline. */
function blocks(...texts: string[]): string {
  return `${texts.join('\n\n')}\n`;
}

/** The items at `rows` (skipping any out of range), or all of them. */
function pick<T>(items: readonly T[], rows: Iterable<number> | undefined): readonly T[] {
  if (rows === undefined) return items;
  const out: T[] = [];
  for (const i of rows) {
    const item = items[i];
    if (item !== undefined) out.push(item);
  }
  return out;
}
