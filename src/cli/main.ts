import { basename } from 'node:path';
import { analyzeCore } from '../core/analyze';
import { isDumpError } from '../core/errors';
import { toJsonDocument } from '../core/format/json-document';
import { reportText } from '../core/format/report-text';
import { openInput, type CliInput } from './decompress-temp';
import { NodeFileSource } from './node-file-source';
import { parseArgs, USAGE, UsageError, type CliOptions } from './args';
import { outputQueued, terminalColumns, warnOnce, writeOut } from './output';

declare const COREVIEW_VERSION: string;

/**
 * Exit codes (listed in USAGE): 0 done (warnings, if any, on stderr), 1 an internal error (a bug), 2 the input is
 * not a readable core or the usage is wrong.
 */
async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions | 'help' | 'version';
  try {
    options = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return fail(`${e.message}\n${USAGE}`);
    throw e;
  }
  if (options === 'help') return print(USAGE);
  if (options === 'version')
    return print(`coreview ${typeof COREVIEW_VERSION === 'string' ? COREVIEW_VERSION : 'dev'}\n`);
  if (options.compareWith !== undefined) {
    // Two dumps or reports side by side: its own command (compare-command.ts).
    const { runCompare } = await import('./compare-command');
    return runCompare(options, options.compareWith, print, fail);
  }

  // A saved report (a --json document) prints as its dump did (open-report.ts).
  const { isJsonFile, runOpenReport } = await import('./open-report');
  if (await isJsonFile(options.file)) return runOpenReport(options, print, fail);

  let source: NodeFileSource;
  // A compressed core (.gz, .zst, .xz, .lz4) is decoded to a temporary file first (decompress-temp.ts).
  let input: CliInput | undefined;
  try {
    input = await openInput(options.file);
    source = await NodeFileSource.open(input.path);
  } catch (e) {
    input?.dispose();
    if (isDumpError(e)) return fail(`${options.file}: ${e.message}`);
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') return fail(`${options.file} is a directory, not a core file`);
    return fail(
      `cannot open ${options.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  try {
    const analysis = await analyzeCore(source);
    // Printed here, once, whichever mode follows: modes report only what they add (warnOnce drops repeats).
    for (const w of analysis.dump.warnings) warnOnce(w);
    const name = basename(options.file);
    if (options.mode === 'search' || options.mode === 'dump') {
      // Loaded only when asked for: the scan code and node:worker_threads are dead weight for the header pass.
      const { runMemoryCommand } = await import('./memory-commands');
      return await runMemoryCommand(options, input.path, source, analysis, print);
    }
    if (options.scan || options.stacks || options.mode === 'json' || options.mode === 'findings') {
      const { runReport } = await import('./report-command');
      return await runReport(options, input.path, source, analysis, name, print, input.compression);
    }
    const document = toJsonDocument(analysis, name, {
      registers: options.registers,
      ...(input.compression ? { compression: input.compression } : {}),
    });
    // ('stacks' implies options.stacks, handled above.)
    const view = options.mode === 'stacks' ? 'table' : options.mode;
    return print(reportText(document, { view, images: options.images, width: terminalColumns() }));
  } catch (e) {
    if (isDumpError(e)) return fail(`${options.file}: ${e.message}`);
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') return fail(`${options.file} is a directory, not a core file`);
    if ((e as NodeJS.ErrnoException).code === 'EIO')
      return fail(`${options.file}: the file cannot be read (I/O error)`);
    throw e;
  } finally {
    await source.close();
    input.dispose();
  }
}

function print(text: string): number {
  writeOut(text);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`coreview: error: ${message.trimEnd()}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything is written and the file closed: exit now rather than tear the whole Node environment down —
    // that teardown, and waiting for the optimising compiler's background jobs, is work a command about to end
    // has no use for. Only where stderr writes are synchronous (Linux: pipes, files and
    // terminals alike), so no warning can still be queued, and while stdout was not handed to its stream.
    if (process.platform === 'linux' && !outputQueued()) process.exit(code);
  },
  (e: unknown) => {
    // A bug, not bad input: one line, no stack trace (COREVIEW_DEBUG=1 shows it).
    if (process.env.COREVIEW_DEBUG) console.error(e);
    process.stderr.write(
      `coreview: internal error: ${e instanceof Error ? e.message : String(e)} (please report it with the core's first bytes)\n`,
    );
    process.exitCode = 1;
  },
);
