/**
 * `coreview a b --compare [--json] [--scan]`: each side's JSON document — a dump's made as `--json --stacks`
 * makes it (with the census under --scan), a saved report's read and checked — then the two compared
 * (core/compare). Text by default; with --json the compare document.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { analyzeCore } from '../core/analyze';
import { compareReports } from '../core/compare/compare-reports';
import { compareText } from '../core/compare/compare-text';
import { isDumpError } from '../core/errors';
import type { ReportDocument } from '../core/format/report-document';
import { parseReport } from '../core/format/report-parse';
import type { CliOptions } from './args';
import { openInput, type CliInput } from './decompress-temp';
import { NodeFileSource } from './node-file-source';
import { terminalColumns, warnOnce } from './output';
import { runReport } from './report-command';

type Print = (text: string) => number;

/** A side that could not be read: the message names the file. */
class SideError extends Error {}

export async function runCompare(
  options: CliOptions,
  second: string,
  print: Print,
  fail: (message: string) => number,
): Promise<number> {
  let a: ReportDocument;
  let b: ReportDocument;
  try {
    a = await sideDocument(options, options.file);
    b = await sideDocument(options, second);
  } catch (e) {
    if (e instanceof SideError) return fail(e.message);
    throw e;
  }
  const doc = compareReports(a, b);
  if (options.mode === 'json') return print(`${JSON.stringify(doc, null, 2)}\n`);
  return print(compareText(doc, { width: terminalColumns() }));
}

/** A report is JSON: its first byte that is not white space is `{` (a core starts with ELF's magic). */
async function isReport(path: string): Promise<boolean> {
  const source = await NodeFileSource.open(path);
  try {
    const head = await source.read(0, Math.min(64, source.size));
    const first = new TextDecoder().decode(head).trimStart();
    return first.startsWith('{');
  } finally {
    await source.close();
  }
}

async function sideDocument(options: CliOptions, path: string): Promise<ReportDocument> {
  let report: boolean;
  try {
    report = await isReport(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SideError(`cannot open ${path}: no such file`);
    if (code === 'EISDIR') throw new SideError(`${path} is a directory, not a core file or report`);
    throw new SideError(`cannot open ${path}: ${(e as Error).message}`);
  }
  return report ? reportDocument(path) : dumpDocument(options, path);
}

async function reportDocument(path: string): Promise<ReportDocument> {
  const parsed = parseReport(await readFile(path, 'utf8'));
  if (!parsed.ok) throw new SideError(`${path}: ${parsed.message}`);
  return parsed.report;
}

/**
 * The dump's document exactly as `coreview DUMP --json --stacks [--scan]` prints it; a compressed dump is decoded
 * to a temporary file first, as for one dump.
 */
async function dumpDocument(options: CliOptions, path: string): Promise<ReportDocument> {
  let input: CliInput | undefined;
  let source: NodeFileSource;
  try {
    input = await openInput(path);
    source = await NodeFileSource.open(input.path);
  } catch (e) {
    input?.dispose();
    if (isDumpError(e)) throw new SideError(`${path}: ${e.message}`);
    throw new SideError(`cannot open ${path}: ${(e as Error).message}`);
  }
  let text = '';
  try {
    const analysis = await analyzeCore(source);
    for (const w of analysis.dump.warnings) warnOnce(`${basename(path)}: ${w}`);
    const capture = (t: string) => {
      text = t;
      return 0;
    };
    const json: CliOptions = { ...options, mode: 'json', stacks: true, registers: false };
    await runReport(json, input.path, source, analysis, basename(path), capture, input.compression);
  } catch (e) {
    if (isDumpError(e)) throw new SideError(`${path}: ${e.message}`);
    if ((e as NodeJS.ErrnoException).code === 'EIO')
      throw new SideError(`${path}: the file cannot be read (I/O error)`);
    throw e;
  } finally {
    await source.close();
    input.dispose();
  }
  // Read back through the report checks: the same document a saved report would give.
  const parsed = parseReport(text);
  if (!parsed.ok) throw new Error(`the JSON document of ${path} does not read back: ${parsed.message}`);
  return parsed.report;
}
