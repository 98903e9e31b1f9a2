/**
 * Finds, for each module of a dump, the executable or shared object and the separate debug file it was built as,
 * looking where gdb and eu-stack look: the path the dump names (right on the machine that crashed), the same path
 * under `--sysroot` (gdb's `set sysroot`), each debug directory's `.build-id/xx/rest` link and `.debug` file, the
 * debuginfod client cache, and the servers of DEBUGINFOD_URLS (debuginfod.ts).
 *
 * A file counts only when its GNU build-id is the module's: a file at the right path from another build would give
 * wrong names and unwind tables without a word of warning. So a module whose build-id the dump does not record is
 * never matched, and a file found at the module's path with another build-id is reported as such
 * ('build-id-mismatch') when nothing else matched. `offline` means the dump alone: no file is looked at.
 */
import { existsSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  cacheEntry,
  cachePathOf,
  debuginfodCacheDir,
  debuginfodUrls,
  downloadLimits,
  downloadToCache,
  type ArtifactKind,
} from './debuginfod';

export type { ArtifactKind } from './debuginfod';

export interface ModuleRef {
  /** The path the dump names (NT_FILE, the link map). */
  readonly path: string;
  /** GNU build-id, hex, as the dump records it. */
  readonly buildId?: string;
}

export interface FinderOptions {
  /** Paths of the dump are looked up under this folder too (gdb's `set sysroot`). */
  readonly sysroot?: string;
  /** Folders holding `.build-id/` trees; gdb's default is ['/usr/lib/debug']. */
  readonly debugDirs: readonly string[];
  /** The dump alone: no file, no cache, no server. */
  readonly offline: boolean;
  /** Where DEBUGINFOD_* and the cache location come from (process.env in the command). */
  readonly env: NodeJS.ProcessEnv;
  /**
   * What to ask the servers for when it is not on disk; both by default. A debuginfo file can be hundreds of MB
   * (and only adds names to an unstripped image), so a host may ask for executables only.
   */
  readonly download?: readonly ArtifactKind[];
}

export type BinaryStatus = 'file' | 'missing' | 'build-id-mismatch';

export interface FoundBinary {
  /** An executable or shared object with the module's build-id. */
  readonly image?: string;
  /** A separate debug file with the module's build-id. */
  readonly debug?: string;
  /** 'file' when either was found. */
  readonly status: BinaryStatus;
  /** Every place looked at and what was there, for `--verbose`. */
  readonly tried: readonly string[];
}

/** Reads a file's GNU build-id (lowercase hex), undefined when it has none or is not ELF. */
export type BuildIdOf = (path: string) => Promise<string | undefined>;

export const DEFAULT_DEBUG_DIRS: readonly string[] = ['/usr/lib/debug'];

/** Modules looked up at once (each lookup is a few stats, or a download). */
const CONCURRENCY = 8;
/** A build-id is 20 bytes with the default linker options; anything outside this range is not one. */
const BUILD_ID = /^[0-9a-f]{4,128}$/;
const ARTIFACTS: readonly ArtifactKind[] = ['executable', 'debuginfo'];
type CacheState = Awaited<ReturnType<typeof cacheEntry>>;

/** One result per module, in the modules' order. Never rejects: what fails is told in `tried`. */
export async function findBinaries(
  modules: readonly ModuleRef[],
  options: FinderOptions,
  buildIdOf: BuildIdOf,
): Promise<FoundBinary[]> {
  const search = new Search(options, buildIdOf);
  const results: FoundBinary[] = new Array<FoundBinary>(modules.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < modules.length; i = next++) {
      const module = modules[i];
      if (module !== undefined) results[i] = await search.find(module);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, modules.length) }, lane));
  return results;
}

/** `--perf-map FILE` when given, else `/tmp/perf-<pid>.map` (where JITs write theirs) when it exists. */
export function findPerfMap(pid: number | undefined, explicit?: string): string | undefined {
  if (explicit !== undefined) return explicit;
  if (pid === undefined || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const path = `/tmp/perf-${pid}.map`;
  try {
    return existsSync(path) && statSync(path).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Where one module's files are; the parts shared by the modules of a run (the cache, dead servers) are here. */
class Search {
  private readonly cacheDir: string;
  private readonly servers: string[];
  private readonly deadServers = new Set<string>();
  private readonly wanted: readonly ArtifactKind[];
  /** A module listed twice (same build-id and path) is looked up once. */
  private readonly byBuildId = new Map<string, Promise<Found>>();

  constructor(
    private readonly options: FinderOptions,
    private readonly buildIdOf: BuildIdOf,
  ) {
    this.cacheDir = debuginfodCacheDir(options.env);
    this.servers = debuginfodUrls(options.env);
    this.wanted = options.download ?? ARTIFACTS;
  }

  async find(module: ModuleRef): Promise<FoundBinary> {
    if (this.options.offline) return { status: 'missing', tried: ['offline: only the dump is read'] };
    const buildId = module.buildId?.toLowerCase();
    if (buildId === undefined || !BUILD_ID.test(buildId)) {
      const why = buildId === undefined ? 'no build-id in the dump' : `build-id "${module.buildId}" is not hex`;
      return { status: 'missing', tried: [`${why}: files are matched by build-id only, so none is looked up`] };
    }
    const key = `${buildId}\0${module.path}`;
    let pending = this.byBuildId.get(key);
    if (pending === undefined) {
      pending = this.lookUp(module.path, buildId);
      this.byBuildId.set(key, pending);
    }
    const found = await pending;
    const status: BinaryStatus =
      found.image !== undefined || found.debug !== undefined
        ? 'file'
        : found.mismatch
          ? 'build-id-mismatch'
          : 'missing';
    return {
      status,
      tried: [...found.tried],
      ...(found.image !== undefined ? { image: found.image } : {}),
      ...(found.debug !== undefined ? { debug: found.debug } : {}),
    };
  }

  private async lookUp(path: string, buildId: string): Promise<Found> {
    const found = new Found(buildId, this.buildIdOf);
    const { sysroot, debugDirs } = this.options;
    const split = join(buildId.slice(0, 2), buildId.slice(2));

    // The module's own path: under the sysroot first (what the user pointed at), then as the dump names it.
    if (path.startsWith('/')) {
      if (sysroot !== undefined) await found.tryImage(join(sysroot, path), 'path');
      await found.tryImage(path, 'path');
    }
    // Debug directories (and, as gdb does, the same directories under the sysroot).
    const dirs = sysroot === undefined ? debugDirs : [...debugDirs.map((d) => join(sysroot, d)), ...debugDirs];
    for (const dir of dirs) {
      await found.tryImage(join(dir, '.build-id', split), 'link');
      await found.tryDebug(join(dir, '.build-id', `${split}.debug`));
    }
    // What a debuginfod client fetched before.
    const cached = new Map<ArtifactKind, CacheState>();
    for (const kind of ARTIFACTS) {
      if (found.has(kind)) continue;
      const entry = await cacheEntry(this.cacheDir, buildId, kind);
      const cachePath = cachePathOf(this.cacheDir, buildId, kind);
      cached.set(kind, entry);
      if (entry === 'file') await found.tryCached(kind, cachePath);
      else found.note(`${cachePath}: ${entry === 'recent-miss' ? 'a recent miss is recorded' : 'not there'}`);
    }
    // The servers, for what is still missing.
    for (const kind of ARTIFACTS) {
      if (found.has(kind) || cached.get(kind) === 'recent-miss' || !this.wanted.includes(kind)) continue;
      await this.download(found, buildId, kind);
    }
    return found;
  }

  private async download(found: Found, buildId: string, kind: ArtifactKind): Promise<void> {
    const limits = downloadLimits(this.options.env);
    for (const server of this.servers) {
      const url = `${server}/buildid/${buildId}/${kind}`;
      if (this.deadServers.has(server)) {
        found.note(`${url}: skipped, the server did not answer earlier`);
        continue;
      }
      const verify = async (p: string): Promise<boolean> => (await this.safeBuildIdOf(p)) === buildId;
      const result = await downloadToCache(server, buildId, kind, this.cacheDir, limits, verify);
      if (result.kind === 'stored') {
        found.note(`${url}: downloaded to ${result.path}`);
        found.set(kind, result.path);
        return;
      }
      if (result.kind === 'server-down') this.deadServers.add(server);
      found.note(`${url}: ${result.reason}`);
    }
  }

  private async safeBuildIdOf(path: string): Promise<string | undefined> {
    try {
      return (await this.buildIdOf(path))?.toLowerCase();
    } catch {
      return undefined;
    }
  }
}

/** What one lookup has found so far, and the trail of where it looked. */
class Found {
  image?: string;
  debug?: string;
  /** A file at the module's path (or under the sysroot) with another build-id, or none. */
  mismatch = false;
  readonly tried: string[] = [];

  constructor(
    private readonly buildId: string,
    private readonly buildIdOf: BuildIdOf,
  ) {}

  has(kind: ArtifactKind): boolean {
    return (kind === 'executable' ? this.image : this.debug) !== undefined;
  }

  set(kind: ArtifactKind, path: string): void {
    if (kind === 'executable') this.image = path;
    else this.debug = path;
  }

  note(line: string): void {
    this.tried.push(line);
  }

  /** A candidate executable or shared object: taken when its build-id is the module's. */
  async tryImage(path: string, where: 'path' | 'link'): Promise<void> {
    if (this.image !== undefined) return;
    const outcome = await this.check(path);
    if (outcome === 'match') this.image = path;
    else if (outcome === 'other' && where === 'path') this.mismatch = true;
  }

  async tryDebug(path: string): Promise<void> {
    if (this.debug !== undefined) return;
    if ((await this.check(path)) === 'match') this.debug = path;
  }

  async tryCached(kind: ArtifactKind, path: string): Promise<void> {
    if ((await this.check(path)) === 'match') this.set(kind, path);
  }

  /** Whether a regular file is at `path` and carries the module's build-id; noted in `tried` either way. */
  private async check(path: string): Promise<'match' | 'other' | 'absent'> {
    try {
      if (!(await stat(path)).isFile()) {
        this.tried.push(`${path}: not a regular file`);
        return 'absent';
      }
    } catch {
      this.tried.push(`${path}: not there`);
      return 'absent';
    }
    let id: string | undefined;
    try {
      id = (await this.buildIdOf(path))?.toLowerCase();
    } catch (e) {
      this.tried.push(`${path}: unreadable (${e instanceof Error ? e.message : String(e)})`);
      return 'other';
    }
    if (id === this.buildId) {
      this.tried.push(`${path}: build-id matches`);
      return 'match';
    }
    this.tried.push(`${path}: ${id === undefined ? 'no build-id' : `another build-id (${id})`}`);
    return 'other';
  }
}
