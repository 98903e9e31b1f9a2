/**
 * The commands that print the analysis: the tables, --summary, --threads, --json, --stacks and --findings, with
 * the census first when --scan asks for it. The findings go into every JSON document; those that rest on the
 * census appear only with --scan.
 */
import type { Compression } from '../core/compression/sniff-compression';
import type { ByteSource } from '../core/io/byte-source';
import { settleAfterCensus } from '../core/model/after-census';
import { computeFindings } from '../core/model/findings';
import { findingsText } from '../core/format/findings-text';
import { stacksText } from '../core/format/stacks-text';
import { toJsonDocument, type CensusForDocument } from '../core/format/json-document';
import { reportText } from '../core/format/report-text';
import { MemoryReader } from '../core/memory/memory-reader';
import { ProcessMemory } from '../core/stacks/process-memory';
import type { StacksResult } from '../core/stacks/stacks-pass';
import { readThreadFacts, syscallsByTid, type ThreadFacts } from '../core/stacks/thread-facts';
import type { Analysis } from '../core/types';
import type { CliOptions } from './args';
import { terminalColumns, warnOnce } from './output';

type Print = (text: string) => number;

interface CensusRun {
  readonly document: CensusForDocument;
  readonly threadDepth: Float64Array;
}

export async function runReport(
  options: CliOptions,
  path: string,
  source: ByteSource,
  headerAnalysis: Analysis,
  name: string,
  print: Print,
  compression?: Compression,
): Promise<number> {
  let analysis = headerAnalysis;
  let census: CensusRun | undefined;
  if (options.scan) {
    // Loaded only when asked for: the scan code and node:worker_threads are dead weight for the header pass.
    const { censusOnThreads } = await import('./scan-host');
    const c = await censusOnThreads(path, analysis, options.workers);
    for (const failure of c.failures) warnOnce(`part of the memory was not scanned: ${failure}`);
    // What the census settles (gcore's no-access memory), before anything is printed: the page does the same.
    analysis = settleAfterCensus(analysis, c.touched);
    const document = {
      regionTouched: c.touched,
      complete: c.complete,
      threadDepth: c.threadDepth,
      ...(c.os ? { os: c.os } : {}),
      ...(c.runtime ? { runtime: c.runtime } : {}),
    };
    census = { document, threadDepth: c.threadDepth };
  }
  const mode = options.mode;
  const wantsFacts = options.stacks || mode === 'json' || mode === 'findings';
  let stacks: StacksResult | undefined;
  let facts: ThreadFacts | undefined;
  // The findings read the stacks (many threads in one stack): --findings runs the stacks pass too.
  if (options.stacks || mode === 'findings') {
    const { stacksOnCli } = await import('./stacks-host');
    stacks = await stacksOnCli(analysis, source, options.binaries);
    for (const w of stacks.warnings) warnOnce(w);
    facts = stacks;
  } else if (wantsFacts) {
    const reader = new MemoryReader(source, analysis.regions);
    const memory = new ProcessMemory(reader);
    facts = await readThreadFacts(analysis, reader, (a, n) => memory.read(a, n));
  }
  const findings =
    facts === undefined
      ? undefined
      : computeFindings({
          analysis,
          ...(stacks ? { stacks: stacks.stacks, groups: stacks.groups } : {}),
          syscalls: syscallsByTid(analysis, facts.syscalls),
          ...(facts.environment ? { environment: facts.environment } : {}),
          ...(census ? { census: { touched: touchedArray(census.document), threadDepth: census.threadDepth } } : {}),
        });
  if (mode === 'stacks' && stacks !== undefined) {
    const syscalls = syscallsByTid(analysis, stacks.syscalls);
    return print(stacksText(stacks.groups, stacks.stacks, syscalls, analysis, { width: terminalColumns() }));
  }
  if (mode === 'findings' && findings !== undefined) return print(findingsText(findings));
  const document = toJsonDocument(analysis, name, {
    ...(census ? { census: census.document } : {}),
    registers: options.registers,
    ...(facts ? { syscalls: facts.syscalls } : {}),
    ...(stacks ? { stacks: { stacks: stacks.stacks, groups: stacks.groups, modules: stacks.modules } } : {}),
    ...(findings ? { findings } : {}),
    ...(compression ? { compression } : {}),
  });
  const view = mode === 'stacks' || mode === 'findings' || mode === 'search' || mode === 'dump' ? 'table' : mode;
  return print(reportText(document, { view, images: options.images, width: terminalColumns() }));
}

function touchedArray(census: CensusForDocument): Float64Array {
  return Float64Array.from(census.regionTouched, (t) => t ?? NaN);
}
