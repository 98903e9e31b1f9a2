import type { ByteSource } from '../core/io/byte-source';
import type { Analysis } from '../core/model/types';
import { jsonDocumentText } from '../core/format/json-document';
import { completeKindSums } from '../core/format/touched';
import { imageTotalsText, kindTotalsText, overviewText, regionTableText, threadTableText } from '../core/format/maddress-text';
import { parseAddress, windbgAddress } from '../core/format/address';
import { identifyOs, type OsClue, type OsIdentification } from '../core/scan/identify-os';
import { mergeCensus, planCensusChunks, type CensusPartial } from '../core/scan/census';
import { formatBytes, formatPointers } from '../core/scan/hex-format';
import { findRegion, readMemory } from '../core/scan/memory-reader';
import { hitText, planSearchChunks, type SearchHit } from '../core/scan/search';
import { compilePattern } from '../core/scan/search-pattern';
import type { CliOptions } from './args';
import { runScanJobs } from './scan-pool';

type Print = (text: string) => number;

/** --scan, --search and --dump: the commands that read the dump's memory, not only its headers. */
export async function runMemoryCommand(
  options: CliOptions,
  path: string,
  source: ByteSource,
  analysis: Analysis,
  name: string,
  print: Print,
): Promise<number> {
  if (options.mode === 'search' && options.search) return search(options, path, analysis, print);
  if (options.mode === 'dump' && options.dump) return dump(options.dump, source, analysis, print);
  const { touched, os } = await census(path, source, analysis, options.workers);
  const kindSums = completeKindSums(analysis.regions, touched);
  switch (options.mode) {
    case 'json':
      return print(jsonDocumentText(analysis, name, { census: { regionTouched: touched, complete: true, ...(os ? { os } : {}) }, registers: options.registers }));
    case 'threads':
      return print(`${threadTableText(analysis.threads, touched)}\n`);
    case 'summary':
      return print(`${kindTotalsText(analysis.totals, kindSums)}\n${options.images ? `\n${imageTotalsText(analysis.imageTotals)}\n` : ''}`);
    default:
      return print(
        `${overviewText(analysis, os ?? analysis.process.os)}\n\n${regionTableText(analysis.regions, analysis.dump.bits, touched)}\n\n${kindTotalsText(analysis.totals, kindSums)}\n`,
      );
  }
}

/** Touched bytes per region and the OS clues met on the way, from the worker-thread pool over 16 MiB slices. */
async function census(
  path: string,
  source: ByteSource,
  analysis: Analysis,
  workers: number | undefined,
): Promise<{ touched: number[]; os: OsIdentification | undefined }> {
  const items = planCensusChunks(analysis.regions, { fileSize: source.size });
  const total = items.reduce((sum, i) => sum + i.length, 0);
  const partials: CensusPartial[] = [];
  const clues: OsClue[] = [];
  const progress = new Progress('scanning', total);
  await runScanJobs(
    items.map((item) => ({ kind: 'census' as const, item })),
    { path, ...(workers !== undefined ? { workers } : {}) },
    (reply) => {
      if (reply.kind === 'census') {
        partials.push(reply.partial);
        clues.push(...reply.clues);
        progress.add(items[reply.id]?.length ?? 0);
      }
      return true;
    },
  );
  progress.end();
  return {
    touched: mergeCensus(analysis.regions, partials, { fileSize: source.size }).map((c) => c.touchedBytes),
    os: identifyOs(clues, analysis.regions, analysis.files),
  };
}

async function search(options: CliOptions, path: string, analysis: Analysis, print: Print): Promise<number> {
  const query = options.search;
  if (query === undefined) return 2;
  const compiled = compilePattern({ kind: query.kind, text: query.text, caseInsensitive: query.caseInsensitive });
  if (!compiled.ok) {
    process.stderr.write(`coreview: error: ${compiled.error.message}\n`);
    return 2;
  }
  const items = planSearchChunks(analysis.regions, compiled.pattern.length, { fileSize: analysis.dump.size });
  let found = 0;
  await runScanJobs(
    items.map((item) => ({ kind: 'search' as const, item, pattern: compiled.pattern, limit: query.limit })),
    { path, ...(options.workers !== undefined ? { workers: options.workers } : {}) },
    (reply) => {
      if (reply.kind !== 'search') return true;
      for (const hit of reply.hits) {
        if (found >= query.limit) break;
        found++;
        print(`${hitLine(hit, analysis, compiled.pattern.length)}\n`);
      }
      return found < query.limit;
    },
  );
  process.stderr.write(`coreview: ${found} hit(s)${found >= query.limit ? ` (stopped at --limit ${query.limit})` : ''}\n`);
  return 0;
}

function hitLine(hit: SearchHit, analysis: Analysis, patternLength: number): string {
  const region = analysis.regions[hit.regionIndex];
  const { before, match, after } = hitText(hit, patternLength);
  return `${windbgAddress(hit.address, analysis.dump.bits)}  ${(region?.kind ?? '?').padEnd(14)}  ${region?.image ?? '-'}  ${before}[${match}]${after}`;
}

async function dump(request: NonNullable<CliOptions['dump']>, source: ByteSource, analysis: Analysis, print: Print): Promise<number> {
  const address = parseAddress(request.address);
  if (address === undefined) {
    process.stderr.write(`coreview: error: "${request.address}" is not an address (hex, like 0x7f42d256e000)\n`);
    return 2;
  }
  if (findRegion(analysis.regions, address) === undefined) process.stderr.write(`coreview: warning: ${request.address} is in no mapped region\n`);
  const read = await readMemory(source, analysis.regions, address, Math.min(request.length, 1 << 20));
  const lines = request.bytes
    ? formatBytes(address, read.bytes, read.present, analysis.dump.bits)
    : formatPointers(address, read.bytes, read.present, analysis.dump.bits, analysis.dump.endian);
  return print(`${lines.join('\n')}\n`);
}

/** Progress on stderr when it is a terminal: %, MB/s, time left. Silent in pipes and CI logs. */
class Progress {
  private done = 0;
  private readonly started = performance.now();
  private last = 0;
  constructor(
    private readonly what: string,
    private readonly total: number,
  ) {}
  add(bytes: number): void {
    this.done += bytes;
    const now = performance.now();
    if (!process.stderr.isTTY || now - this.last < 200) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const rate = this.done / Math.max(seconds, 0.001);
    const left = rate > 0 ? (this.total - this.done) / rate : 0;
    process.stderr.write(`\rcoreview: ${this.what} ${((this.done / Math.max(this.total, 1)) * 100).toFixed(0)}%  ${(rate / 1048576).toFixed(0)} MB/s  ${left.toFixed(0)} s left `);
  }
  end(): void {
    if (process.stderr.isTTY && this.last > 0) process.stderr.write('\r\x1b[K');
  }
}
