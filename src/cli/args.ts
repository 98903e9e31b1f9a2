import { DEFAULT_DEBUG_DIRS } from './binary-finder';

/** Command-line options of `coreview`. Parsing is strict: an unknown flag is a usage error, not ignored. */
export interface CliOptions {
  readonly file: string;
  readonly mode: 'table' | 'summary' | 'threads' | 'json' | 'search' | 'dump' | 'stacks' | 'findings';
  readonly images: boolean;
  readonly scan: boolean;
  /** --registers: each thread's registers in the JSON document. */
  readonly registers: boolean;
  readonly search?: {
    readonly text: string;
    readonly kind: 'ascii' | 'utf16le' | 'hex';
    readonly caseInsensitive: boolean;
    readonly limit: number;
  };
  readonly dump?: { readonly address: string; readonly length: number; readonly bytes: boolean };
  readonly workers?: number;
  /** --stacks: the stacks pass (printed as groups then threads; in the JSON document with --json). */
  readonly stacks: boolean;
  readonly binaries: BinaryOptions;
  /** --compare: the second dump or report (`file` is the first); printed as text, or with --json as a document. */
  readonly compareWith?: string;
}

/** Where the stacks pass looks for the modules' files (matched by build-id). */
export interface BinaryOptions {
  readonly sysroot?: string;
  /** Searched in order; /usr/lib/debug unless --debug-dir is given. */
  readonly debugDirs: readonly string[];
  /** The dump alone: no NT_FILE paths, no debug directories, no debuginfod. */
  readonly offline: boolean;
  readonly perfMaps: readonly string[];
}

export const USAGE = `usage: coreview <core> [options]

  (no option)         maddress-style region table, then the per-kind totals
  --summary           only the per-kind totals (add --images for per-image totals)
  --threads           one line per thread
  --json              the whole analysis as one JSON document
      --registers     … with each thread's general registers by name
  --scan              count touched (non-zero) pages per region (with --json or the tables)
  --search <text>     search dumped memory for an ASCII string
      --utf16         … as UTF-16LE       --hex   … as hex bytes ("de ad be ef")
      -i              case-insensitive    --limit N  stop after N hits (default 100)
  --dump <addr> [len] WinDbg-style pointer view of memory (len bytes, default 256); --bytes for a byte view
  --workers N         worker threads for --scan and --search (default: twice the CPU count, 2 to 4)
  --stacks            every thread's frames: identical stacks grouped, then each thread (with --json: in it)
      --sysroot DIR   look for the dump's files under DIR (as gdb's set sysroot)
      --debug-dir DIR debug files in DIR/.build-id/xx/… (repeatable; default /usr/lib/debug)
      --perf-map FILE names for JIT code (default /tmp/perf-<pid>.map when it exists)
      --offline       the dump alone: no files from disk, no debuginfod
  --findings          what coreview concludes, with advice (runs the stacks pass; add --scan for the
                      findings that need the census: the stacks' high-water marks)
  <a> <b> --compare   two dumps or reports side by side (each dump gets the stacks pass; --scan for
                      touched bytes; --json for the compare document)
  --help, --version

On a terminal the tables fit its width (long paths shortened); piped, and in --json, paths are whole.
Warnings go to stderr, each once.

exit status:
  0  done (a damaged or truncated core still gives a partial result, with warnings)
  1  internal error (a bug in coreview: please report it)
  2  bad input or usage: not a readable core, a missing file, an unknown option

examples:
  coreview core.12345                      overview, region table and per-kind totals
  coreview core.12345 --scan --summary     totals with touched (non-zero) pages per kind
  coreview core.12345 --json > core.json   the whole analysis, as the web page's "Download JSON"
  coreview core.12345 --search centos -i   where a string is in memory, with its region and image
  coreview core.12345 --dump 0x7f42d256e000 64   memory as WinDbg's dp, pointers labelled
  coreview core.12345 --stacks             what every thread is doing, identical stacks grouped
  coreview core.12345 --scan --findings    findings with advice (stack sizes, arenas, the GC's reserve)
  coreview monday.core today.core --compare   what grew between two dumps (either may be a --json report)

Files for --stacks are matched to the dump's modules by GNU build-id, never by name: the paths in the dump,
--sysroot, the debug directories, the debuginfod client cache, and the servers in DEBUGINFOD_URLS when set.
`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliOptions | 'help' | 'version' {
  let mode: CliOptions['mode'] = 'table';
  let images = false;
  let scan = false;
  let registers = false;
  let search: { text: string; kind: 'ascii' | 'utf16le' | 'hex'; caseInsensitive: boolean; limit: number } | undefined;
  let searchKind: 'ascii' | 'utf16le' | 'hex' = 'ascii';
  let caseInsensitive = false;
  let limit = 100;
  let dump: { address: string; length: number; bytes: boolean } | undefined;
  let bytes = false;
  let workers: number | undefined;
  let stacks = false;
  let sysroot: string | undefined;
  const debugDirs: string[] = [];
  const perfMaps: string[] = [];
  let offline = false;
  let compare = false;
  const files: string[] = [];
  const setMode = (m: CliOptions['mode']) => {
    if (mode !== 'table' && mode !== m) throw new UsageError(`--${m} cannot be combined with --${mode}`);
    mode = m;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (what: string) => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs ${what}`);
      return v;
    };
    switch (arg) {
      case '--help':
      case '-h':
        return 'help';
      case '--version':
        return 'version';
      case '--summary':
        setMode('summary');
        break;
      case '--threads':
        setMode('threads');
        break;
      case '--json':
        setMode('json');
        break;
      case '--images':
        images = true;
        break;
      case '--scan':
        scan = true;
        break;
      case '--registers':
        registers = true;
        break;
      case '--search':
        setMode('search');
        search = { text: value('a string to search for'), kind: 'ascii', caseInsensitive: false, limit };
        break;
      case '--utf16':
        searchKind = 'utf16le';
        break;
      case '--hex':
        searchKind = 'hex';
        break;
      case '-i':
        caseInsensitive = true;
        break;
      case '--limit':
        limit = positiveInt(value('a number'), arg);
        break;
      case '--bytes':
        bytes = true;
        break;
      case '--workers':
        workers = positiveInt(value('a number'), arg);
        break;
      case '--stacks':
        stacks = true;
        break;
      case '--findings':
        setMode('findings');
        break;
      case '--sysroot':
        sysroot = value('a directory');
        break;
      case '--debug-dir':
        debugDirs.push(value('a directory'));
        break;
      case '--perf-map':
        perfMaps.push(value('a file'));
        break;
      case '--offline':
        offline = true;
        break;
      case '--compare':
        compare = true;
        break;
      case '--dump': {
        setMode('dump');
        const address = value('an address');
        const next = argv[i + 1];
        const length =
          next !== undefined && /^(0x)?[0-9a-f]+$/i.test(next) ? positiveInt(argv[++i] ?? '', 'length') : 256;
        dump = { address, length, bytes: false };
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        files.push(arg);
    }
  }
  const file = files[0];
  if (file === undefined) throw new UsageError('no core file given');
  // Two positionals only to compare them; --compare needs exactly two.
  if (!compare && files.length > 1) throw new UsageError(`one core at a time (got ${file} and ${files[1]})`);
  if (compare) checkCompare(files, mode, registers);
  if (search) search = { ...search, kind: searchKind, caseInsensitive, limit };
  if (dump) dump = { ...dump, bytes };
  if (registers && (mode as CliOptions['mode']) !== 'json') throw new UsageError('--registers goes with --json');
  // setMode assigns `mode` in a closure, which TypeScript's narrowing does not see.
  const chosen = mode as CliOptions['mode'];
  if (stacks && chosen === 'table') mode = 'stacks';
  else if (stacks && chosen !== 'json') throw new UsageError('--stacks goes alone or with --json');
  const filesGiven = sysroot !== undefined || debugDirs.length > 0 || perfMaps.length > 0 || offline;
  if (filesGiven && !stacks && !compare && chosen !== 'findings')
    throw new UsageError('--sysroot, --debug-dir, --perf-map and --offline go with --stacks or --findings');
  return {
    file,
    mode,
    images,
    scan,
    registers,
    ...(search ? { search } : {}),
    ...(dump ? { dump } : {}),
    ...(workers !== undefined ? { workers } : {}),
    stacks: stacks || compare,
    ...(compare ? { compareWith: files[1] ?? '' } : {}),
    binaries: {
      ...(sysroot !== undefined ? { sysroot } : {}),
      debugDirs: debugDirs.length > 0 ? debugDirs : DEFAULT_DEBUG_DIRS,
      offline,
      perfMaps,
    },
  };
}

function checkCompare(files: readonly string[], mode: CliOptions['mode'], registers: boolean): void {
  if (files.length !== 2) throw new UsageError(`--compare takes two dumps or reports (got ${files.length})`);
  if ((mode !== 'table' && mode !== 'json') || registers)
    throw new UsageError('--compare goes alone, with --json, or with --scan');
}

function positiveInt(text: string, what: string): number {
  const n = text.toLowerCase().startsWith('0x') ? Number.parseInt(text, 16) : Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${what}: expected a positive number, got "${text}"`);
  return n;
}
