/**
 * A saved report (the JSON document: `--json`, the page's Download JSON) read back: parsed, then checked field by
 * field against ReportDocument — every field the tables, the Overview, the stacks and the findings use — so a
 * hand-edited or cut-short file gets a message naming the first bad field instead of a broken view. Fields a newer
 * coreview adds within version 1 are let through; a newer major version is refused with its own message.
 */
import {
  address,
  BadField,
  count,
  finite,
  flag,
  integer,
  isObject,
  list,
  nullable,
  object,
  oneOf,
  onlyTrue,
  record,
  tagged,
  text,
  type Check,
} from './report-checks';
import type { ReportDocument } from './report-document';
import { UNKNOWN } from '../types/region';

/** The major version this coreview writes and reads. */
export const REPORT_VERSION = 1;

export type ParsedReport = { ok: true; report: ReportDocument } | { ok: false; message: string };

const heuristic = object({ name: text, evidence: text });

const note = object({ name: text, type: count, typeName: text, size: count, offset: count });

const runtime = object({ name: text, evidence: text }, { version: text, versionFrom: oneOf('path', 'abi', 'memory') });

const osSource = oneOf('os-release', 'dotnet-rid', 'pretty-name', 'library-paths', 'library-versions', 'rid-graph');

const osEvidence = object({ source: osSource, says: text, evidence: text }, { note: text, address, mapping: text });

const os = object(
  { name: text, source: osSource, evidence: text, heuristic: oneOf('identify-os'), ranked: list(osEvidence) },
  { address },
);

const dump = object(
  {
    name: text,
    size: count,
    arch: text,
    machine: count,
    bits: oneOf(32, 64),
    endian: oneOf('little', 'big'),
    os: text,
    producer: text,
    producerEvidence: text,
    pageSize: count,
    programHeaders: count,
    loadSegments: count,
    headerBytesRead: count,
    warnings: list(text),
    notes: list(note),
  },
  {
    census: oneOf('complete', 'incomplete'),
    fingerprint: (v, path) => {
      if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) throw new BadField(path, '64 hex digits (SHA-256)', v);
    },
    compression: oneOf('gzip', 'zstd', 'xz', 'lz4'),
  },
);

const processFacts = object(
  { pid: nullable(count), name: nullable(text), args: nullable(text), signal: count },
  {
    ppid: count,
    uid: count,
    gid: count,
    executable: text,
    signalName: text,
    signalCode: integer,
    snapshot: onlyTrue,
    faultAddress: address,
    runtime,
    os,
  },
);

const region = object(
  {
    kind: text,
    start: address,
    end: address,
    size: count,
    type: oneOf('MEM_IMAGE', 'MEM_MAPPED', 'MEM_PRIVATE'),
    state: oneOf('MEM_COMMIT', 'MEM_RESERVE', UNKNOWN),
    protect: text,
    perms: text,
    inDump: count,
    dumpOffset: count,
  },
  { image: text, fileOffset: count, truncated: onlyTrue, tid: count, heuristic, touched: count },
);

const kindTotal = object(
  { kind: text, count, size: count, inDump: count, percent: finite, heuristic: flag },
  { touched: count },
);

const imageTotal = object({ image: text, count, size: count, inDump: count });

const frame = object(
  { pc: address, trust: oneOf('context', 'cfi', 'fp', 'scan') },
  {
    module: text,
    offset: count,
    symbol: text,
    symbolOffset: count,
    symbolSource: oneOf('dump', 'file', 'perfmap'),
    jit: onlyTrue,
    file: text,
    line: count,
  },
);

const syscall = object({ nr: count, name: text, args: list(address), interrupted: flag, text });

const thread = object(
  { tid: count, signal: count, crashed: flag, pc: nullable(address), sp: nullable(address) },
  {
    pcSymbol: text,
    stackStart: address,
    stackEnd: address,
    stackSize: count,
    stackUsed: count,
    stackTouched: count,
    stackDepth: count,
    registers: record(address),
    syscall,
    frames: list(frame),
    unwindStop: oneOf('outermost', 'loop', 'limit', 'unreadable', 'no-unwind-info'),
    unwindStopDetail: text,
  },
);

const moduleEntry = object(
  { path: text, start: address, end: address, base: address, headerInDump: flag },
  { buildId: text, symbols: oneOf('dump', 'file', 'missing', 'build-id-mismatch'), symbolFile: text },
);

const auxv = object({ type: count, name: text, value: address });

const stackGroup = object({ threads: list(count), frames: list(frame) });

const evidence = tagged({
  threads: object({ tids: list(count), text }),
  regions: object({ starts: list(address), text }),
  'stack-group': object({ group: count, text }),
  environment: object({ name: text, value: text, text }),
  module: object({ path: text, text }),
  fact: object({ text }),
});

const finding = object(
  { id: text, severity: oneOf('info', 'warning', 'problem'), title: text, detail: text, evidence: list(evidence) },
  { advice: text, fix: text, needsCensus: onlyTrue },
);

const document: Check = object(
  {
    dump,
    process: processFacts,
    regions: list(region),
    totals: list(kindTotal),
    imageTotals: list(imageTotal),
    threads: list(thread),
    modules: list(moduleEntry),
    auxv: list(auxv),
  },
  { stackGroups: list(stackGroup), findings: list(finding) },
);

export function parseReport(text: string): ParsedReport {
  // A byte order mark, as some editors save it, is not JSON.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (e) {
    return { ok: false, message: syntaxMessage(source, e) };
  }
  if (!isObject(value)) return { ok: false, message: 'the report is not a JSON object' };
  if (value.format !== 'coreview')
    return { ok: false, message: `not a coreview report: format: expected "coreview", got ${shown(value.format)}` };
  const version = value.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
    return { ok: false, message: `version: expected a whole number ≥ 1, got ${shown(version)}` };
  if (version > REPORT_VERSION)
    return {
      ok: false,
      message: `the report is version ${version}, newer than this coreview reads (${REPORT_VERSION}): open it with a newer coreview`,
    };
  try {
    document(value, '');
  } catch (e) {
    if (e instanceof BadField) return { ok: false, message: e.message };
    throw e;
  }
  const report = value as unknown as ReportDocument;
  const consistency = crossCheck(report);
  return consistency === undefined ? { ok: true, report } : { ok: false, message: consistency };
}

/** What the views index by: a stack group's threads and a finding's group must exist. */
function crossCheck(doc: ReportDocument): string | undefined {
  const tids = new Set(doc.threads.map((t) => t.tid));
  const groups = doc.stackGroups ?? [];
  for (let g = 0; g < groups.length; g++) {
    const threads = groups[g]?.threads ?? [];
    for (let i = 0; i < threads.length; i++)
      if (!tids.has(threads[i] ?? -1))
        return `stackGroups[${g}].threads[${i}]: expected the tid of a thread in threads, got ${threads[i]}`;
  }
  for (let i = 0; i < doc.regions.length; i++) {
    const r = doc.regions[i];
    if (r !== undefined && BigInt(r.end) < BigInt(r.start))
      return `regions[${i}].end: expected an address ≥ start (${r.start}), got ${r.end}`;
  }
  return undefined;
}

function shown(v: unknown): string {
  return new BadField('', '', v).message.replace(/^: expected , got /, '');
}

/**
 * A JSON.parse failure in words. A file cut short (an interrupted download or copy) fails at its very end: said
 * as such, with its length, rather than as the parser's "unexpected end".
 */
function syntaxMessage(source: string, e: unknown): string {
  const reason = e instanceof Error ? e.message : String(e);
  const at = /position (\d+)/.exec(reason);
  const position = at ? Number(at[1]) : undefined;
  const end = source.trimEnd().length;
  const truncated = /end of (JSON|data)|unterminated/i.test(reason) || (position !== undefined && position >= end);
  const bytes = new TextEncoder().encode(source).length;
  if (truncated) return `the report is not complete JSON (ends at byte ${bytes})`;
  return `the report is not valid JSON: ${reason}`;
}
