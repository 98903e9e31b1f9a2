import type { ByteSource } from '../core/io/byte-source';
import type { Analysis } from '../core/types';
import { pointerLabel } from '../core/model/address-label';
import { parseAddress, windbgAddress } from '../core/format/address';
import { formatBytes, formatPointers } from '../core/scan/hex-format';
import { MemoryReader } from '../core/memory/memory-reader';
import { regionIndexAt } from '../core/memory/region-lookup';
import type { CliOptions } from './args';
import { warnOnce } from './output';
import { searchOnThreads } from './scan-host';

type Print = (text: string) => number;

/** --search and --dump: the commands that look into the dump's memory at the user's request. */
export async function runMemoryCommand(
  options: CliOptions,
  path: string,
  source: ByteSource,
  analysis: Analysis,
  print: Print,
): Promise<number> {
  if (options.mode === 'search') return search(options, path, analysis, print);
  return options.dump ? dump(options.dump, source, analysis, print) : 2;
}

async function search(options: CliOptions, path: string, analysis: Analysis, print: Print): Promise<number> {
  const query = options.search;
  if (query === undefined) return 2;
  const bits = analysis.dump.bits;
  const end = await searchOnThreads(
    path,
    analysis,
    { kind: query.kind, text: query.text, caseInsensitive: query.caseInsensitive },
    query.limit,
    options.workers,
    (hit) => {
      const region = analysis.regions[hit.regionIndex];
      print(
        `${windbgAddress(hit.address, bits)}  ${(region?.kind ?? '?').padEnd(14)}  ${region?.image ?? '-'}  ${hit.before}[${hit.match}]${hit.after}\n`,
      );
    },
  );
  if (!end.ok && end.reason === 'pattern') {
    process.stderr.write(`coreview: error: ${end.error.message}\n`);
    return 2;
  }
  if (!end.ok || end.kind !== 'search') throw new Error(`the search did not run (${JSON.stringify(end)})`);
  for (const failure of end.failures) warnOnce(`part of the memory was not searched: ${failure}`);
  process.stderr.write(
    `coreview: ${end.hits} hit(s)${end.limitReached ? ` (stopped at --limit ${query.limit})` : ''}\n`,
  );
  return 0;
}

async function dump(
  request: NonNullable<CliOptions['dump']>,
  source: ByteSource,
  analysis: Analysis,
  print: Print,
): Promise<number> {
  const address = parseAddress(request.address);
  if (address === undefined) {
    process.stderr.write(`coreview: error: "${request.address}" is not an address (hex, like 0x7f42d256e000)\n`);
    return 2;
  }
  if (regionIndexAt(analysis.regions, address) < 0) warnOnce(`${request.address} is in no mapped region`);
  const read = await new MemoryReader(source, analysis.regions).read(address, Math.min(request.length, 1 << 20));
  // Pointers into mapped memory are labelled as the page's memory view labels them (libc.so.6+0x8aeec, Stack).
  const label = (value: bigint) => pointerLabel(analysis, value);
  const lines = request.bytes
    ? formatBytes(address, read.bytes, read.present, analysis.dump.bits)
    : formatPointers(address, read.bytes, read.present, analysis.dump.bits, analysis.dump.endian, label);
  return print(`${lines.join('\n')}\n`);
}
