/**
 * One line per piece of OS evidence, strongest first: the CLI's overview and the page's tooltip on the OS row say
 * the same thing. Addresses arrive as `0x…` text so the page can pass what it holds.
 */
export interface OsEvidenceText {
  readonly source: string;
  readonly says: string;
  readonly evidence: string;
  readonly note?: string;
  readonly address?: string;
  readonly mapping?: string;
}

export function osEvidenceLines(ranked: readonly OsEvidenceText[]): string[] {
  return ranked.map((e, i) => {
    const where =
      e.address !== undefined
        ? ` at ${e.address}`
        : e.mapping !== undefined && e.mapping !== e.evidence
          ? ` in ${e.mapping}`
          : '';
    return `${i + 1}. ${e.says} [${e.source}] ${e.evidence}${where}${e.note !== undefined ? ` (${e.note})` : ''}`;
  });
}
