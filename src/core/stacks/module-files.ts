/**
 * Each module of the dump with the files that describe it: the provided image and debug file whose GNU build-id
 * is the module's, the load bias that maps their link-time addresses to the process's, and what the Overview says
 * of it (`file`, `dump`, `missing`, `build-id-mismatch`).
 */
import type { Analysis, FileMapping, Module, ModuleSymbols } from '../types';
import type { ElfImage } from '../image/elf-image';
import { baseOf, type ProvidedFiles, type ProvidedImage } from './provided-files';

export interface ModuleFiles {
  readonly module: Module;
  /** The executable or shared object (code bytes, .eh_frame, .dynsym, .symtab when not stripped). */
  readonly image?: ProvidedImage;
  /** The separate debug file (.symtab, .debug_frame). */
  readonly debug?: ProvidedImage;
  /** Process address = link-time address + bias. */
  readonly bias: bigint;
  /** Before the pass looks into the dump: 'file', 'build-id-mismatch' or 'missing' ('dump' is decided later). */
  readonly status: ModuleSymbols;
  /** Name of the file that did not match (a different build). */
  readonly mismatch?: string;
}

/**
 * `statusOf`: what a host found out itself (the CLI's search of NT_FILE paths, a sysroot, debug directories and
 * debuginfod reports 'build-id-mismatch' for a file at the module's path with another build-id).
 */
export function bindModules(
  analysis: Analysis,
  files: ProvidedFiles,
  statusOf: (module: Module) => ModuleSymbols | undefined = () => undefined,
): ModuleFiles[] {
  return analysis.modules.map((module) => {
    const matches = files.withBuildId(module.buildId);
    const image = matches.find((m) => m.image.kind !== 'debug');
    const debug = matches.find((m) => m.image.kind === 'debug');
    const reference = image ?? debug;
    const bias = reference === undefined ? module.base : biasOf(module, reference.image, analysis.files);
    if (reference !== undefined) {
      return { module, bias, status: 'file', ...(image ? { image } : {}), ...(debug ? { debug } : {}) };
    }
    const hostStatus = statusOf(module);
    const other = files.sameName(baseOf(module.path));
    if (other !== undefined || hostStatus === 'build-id-mismatch') {
      return { module, bias, status: 'build-id-mismatch', ...(other ? { mismatch: other.name } : {}) };
    }
    return { module, bias, status: 'missing' };
  });
}

/**
 * Where the image's first PT_LOAD landed: the mapping of file offset 0 minus that load's page-aligned link-time
 * address (0 for a non-PIE executable, which is linked where it runs). The dump's own answer (Module.base) needs
 * the module's header in the dump, which the kernel writes but gcore often does not.
 */
function biasOf(module: Module, image: ElfImage, files: readonly FileMapping[]): bigint {
  if (module.headerInDump) return module.base;
  const first = image.loads[0];
  const offsetZero = files.find((f) => f.path === module.path && f.fileOffset === 0n);
  if (first === undefined || offsetZero === undefined) return module.base;
  return offsetZero.start - (first.vaddr & ~0xfffn);
}
