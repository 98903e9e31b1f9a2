/**
 * `coreview core --findings`: each finding as a block of text, most severe first (the order computeFindings
 * gives), to paste into a ticket:
 *
 *   [warning] 788 thread stacks reserve 6.16 GiB (thread-stacks-reserve)
 *     788 threads × 8.00 MiB …
 *     Advice: Set DOTNET_DefaultStackSize=140000 …
 *     Evidence:
 *       threads: 788 threads with a stack region (tid 1234, 1235, … and 785 more)
 *
 * `width` (a terminal's) wraps the prose at word boundaries; without it each paragraph is one line.
 */
import type { Finding, FindingEvidence } from '../types';

export interface FindingsTextOptions {
  readonly width?: number;
}

/** Items an evidence line lists before "and N more". */
const LISTED = 6;

export function findingsText(findings: readonly Finding[], options: FindingsTextOptions = {}): string {
  if (findings.length === 0) return 'No findings.\n';
  const { width } = options;
  const blocks = findings.map((f) => {
    const lines = [...wrap(`[${f.severity}] ${f.title} (${f.id})`, '', width)];
    lines.push(...wrap(f.detail, '  ', width));
    if (f.advice !== undefined) lines.push(...wrap(`Advice: ${f.advice}`, '  ', width));
    if (f.fix !== undefined) lines.push(`  Set: ${f.fix}`);
    if (f.evidence.length > 0) {
      lines.push('  Evidence:');
      for (const e of f.evidence) lines.push(...wrap(evidenceLine(e), '    ', width));
    }
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

export function evidenceLine(e: FindingEvidence): string {
  switch (e.kind) {
    case 'threads':
      return `threads: ${e.text} (tid ${listed(e.tids.map(String))})`;
    case 'regions':
      return `regions: ${e.text} (${listed(e.starts.map((s) => `0x${s.toString(16)}`))})`;
    case 'stack-group':
      return `stack group #${e.group + 1}: ${e.text}`;
    case 'environment':
      return `environment: ${e.text}`;
    case 'module':
      return `module: ${e.path}: ${e.text}`;
    case 'fact':
      return `fact: ${e.text}`;
  }
}

function listed(items: readonly string[]): string {
  const head = items.slice(0, LISTED).join(', ');
  return items.length > LISTED ? `${head} and ${items.length - LISTED} more` : head;
}

/** `text` in lines of at most `width` characters (a word longer than that stays whole), each after `indent`. */
function wrap(text: string, indent: string, width: number | undefined): string[] {
  if (width === undefined) return [`${indent}${text}`];
  const room = Math.max(20, width - indent.length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(`${indent}${line}`);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(`${indent}${line}`);
  return lines;
}
