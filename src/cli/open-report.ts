/**
 * `coreview report.json`: a saved report (a `--json` document) printed as its dump was — the tables, --summary,
 * --threads, --json, and --stacks and --findings when the report holds them. What reads memory (--scan, --search,
 * --dump, a stacks pass the report was saved without) needs the dump itself: said in one line, exit 2.
 */
import { open, readFile } from 'node:fs/promises';
import { findingsText } from '../core/format/findings-text';
import type { ReportDocument } from '../core/format/report-document';
import {
  findingsFromReport,
  groupsFromReport,
  hasStacks,
  stacksFromReport,
  syscallsFromReport,
} from '../core/format/report-objects';
import { parseReport } from '../core/format/report-parse';
import { reportText } from '../core/format/report-text';
import { stacksText } from '../core/format/stacks-text';
import type { Syscall, ThreadStack } from '../core/types';
import type { CliOptions } from './args';
import { terminalColumns } from './output';

type Print = (text: string) => number;

/** True when the file's first visible byte is `{`: a JSON document, not a core (an ELF file starts 0x7f 'E'). */
export async function isJsonFile(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    // Not readable here: the dump's own open says why.
    return false;
  }
  try {
    const head = Buffer.alloc(256);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    return text.trimStart().startsWith('{');
  } catch {
    return false;
  } finally {
    await handle.close();
  }
}

export async function runOpenReport(
  options: CliOptions,
  print: Print,
  fail: (message: string) => number,
): Promise<number> {
  const parsed = parseReport(await readFile(options.file, 'utf8'));
  if (!parsed.ok) return fail(`${options.file}: ${parsed.message}`);
  const doc = parsed.report;
  const needsDump = (what: string, why = '') =>
    fail(`${options.file} is a report: ${what} needs the dump it was made from (${doc.dump.name})${why}`);
  if (options.mode === 'search') return needsDump('--search');
  if (options.mode === 'dump') return needsDump('--dump');
  if (options.scan) return needsDump('--scan');
  const width = terminalColumns();
  if (options.stacks && !hasStacks(doc)) return needsDump('--stacks', ': the report was saved without the stacks pass');
  if (options.mode === 'stacks') return print(reportStacksText(doc, width));
  if (options.mode === 'findings') {
    if (doc.findings === undefined) return needsDump('--findings', ': the report is older and holds none');
    return print(findingsText(findingsFromReport(doc)));
  }
  return print(reportText(doc, { view: options.mode, images: options.images, width }));
}

/** `--stacks`'s text from the report's frames, groups and system calls, as the dump printed it. */
function reportStacksText(doc: ReportDocument, width: number | undefined): string {
  const stacks = stacksFromReport(doc).filter((s): s is ThreadStack => s !== undefined);
  const calls = syscallsFromReport(doc);
  const byTid = new Map<number, Syscall>();
  doc.threads.forEach((t, i) => {
    const call = calls[i];
    if (call !== undefined) byTid.set(t.tid, call);
  });
  return stacksText(groupsFromReport(doc), stacks, byTid, doc, { width });
}
