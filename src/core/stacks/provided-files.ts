/**
 * The files a user gives beside a dump — executables, shared objects, separate debug files, perf maps — each
 * sorted by its content, never by its name. Images are matched to the dump's modules by GNU build-id alone
 * (module-files.ts): a file with the right name and another build-id is a different build, and its names and
 * unwind tables would be wrong without a word of warning.
 */
import type { ByteSource } from '../io/byte-source';
import { ImageError, openElfImage, type ElfImage } from '../image/elf-image';
import { parsePerfMap, type PerfMap } from '../image/perf-map';
import { sniffFile, type FileKind } from '../image/sniff';

export interface ProvidedImage {
  /** The file's name as the user gave it (a base name in the page, a path in the CLI). */
  readonly name: string;
  readonly image: ElfImage;
}

export interface ProvidedPerfMap {
  readonly name: string;
  readonly map: PerfMap;
  /** The pid in a `perf-<pid>.map` name, when it has one. */
  readonly pid?: number;
}

/** Bytes of a file looked at to sort it. */
const HEAD = 4096;
/** A perf map larger than this is not read (a long-running JIT's map can grow without bound). */
const PERF_MAP_LIMIT = 256 * 1024 * 1024;

export class ProvidedFiles {
  readonly images: ProvidedImage[] = [];
  readonly perfMaps: ProvidedPerfMap[] = [];
  readonly warnings: string[] = [];
  private readonly byBuildId = new Map<string, ProvidedImage[]>();

  /** Sorts and opens one file. Images without a build-id are kept (listed) but can match nothing. */
  async add(name: string, source: ByteSource): Promise<FileKind> {
    let kind: FileKind;
    try {
      kind = sniffFile(await source.read(0, HEAD), name);
    } catch (e) {
      this.warnings.push(`${name}: cannot be read (${message(e)})`);
      return 'unknown';
    }
    if (kind === 'image') await this.addImage(name, source);
    else if (kind === 'perf-map') await this.addPerfMap(name, source);
    return kind;
  }

  /** The images (and debug files) whose build-id is `buildId`. */
  withBuildId(buildId: string | undefined): readonly ProvidedImage[] {
    return buildId === undefined ? [] : (this.byBuildId.get(buildId.toLowerCase()) ?? []);
  }

  /** A provided image with this base name: a different build when its build-id did not match. */
  sameName(baseName: string): ProvidedImage | undefined {
    return this.images.find((i) => baseOf(i.name) === baseName);
  }

  private async addImage(name: string, source: ByteSource): Promise<void> {
    try {
      const image = await openElfImage(source, name);
      const provided = { name, image };
      this.images.push(provided);
      if (image.buildId === undefined) {
        this.warnings.push(`${name}: no GNU build-id, so it cannot be matched to a module of the dump`);
        return;
      }
      const list = this.byBuildId.get(image.buildId) ?? [];
      list.push(provided);
      this.byBuildId.set(image.buildId, list);
    } catch (e) {
      if (!(e instanceof ImageError)) throw e;
      this.warnings.push(`${name}: ${e.message}`);
    }
  }

  private async addPerfMap(name: string, source: ByteSource): Promise<void> {
    if (source.size > PERF_MAP_LIMIT) {
      this.warnings.push(`${name}: a perf map of ${source.size} bytes is larger than coreview reads`);
      return;
    }
    const text = new TextDecoder().decode(await source.read(0, source.size));
    const map = parsePerfMap(text);
    const pid = /perf-(\d+)\.map$/.exec(name)?.[1];
    this.perfMaps.push({ name, map, ...(pid !== undefined ? { pid: Number(pid) } : {}) });
  }
}

export function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
