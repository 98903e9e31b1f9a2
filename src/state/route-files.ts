/**
 * Files the user gives (picked with the one file input, or dropped — a folder's files included) sorted by their
 * content: a core dump (or a saved report) opens; executables, shared objects, debug files and perf maps go beside the dump for the
 * stacks pass. One dump at a time: with several cores, the first opens and the rest are named in a notice — but for
 * two given at once on the empty page, the second of which the first is compared with.
 */
import type { FileKind, GivenFile } from '../../workers/engine-protocol';

export interface RoutedFiles {
  readonly dump?: File;
  /** Two dumps or reports given at once on the empty page: the second, to compare the first with. */
  readonly compare?: File;
  readonly beside: readonly GivenFile[];
  /** What the page says about the rest (other cores, reports, files of no kind it reads). */
  readonly notes: readonly string[];
}

/** A folder dropped may hold a whole sysroot: files past this many are not looked at. */
export const MAX_FILES = 20000;

export async function routeFiles(
  files: readonly File[],
  dumpOpen: boolean,
  sortFiles: (files: readonly GivenFile[]) => Promise<FileKind[]>,
  nameOf: (file: File) => string = (f) => f.name,
): Promise<RoutedFiles> {
  const taken = files.slice(0, MAX_FILES);
  const notes: string[] = [];
  if (files.length > taken.length) notes.push(`only the first ${MAX_FILES} of ${files.length} files were looked at`);
  // One file and no dump yet: it is meant as the dump, whatever it is; the header pass says what is wrong with it.
  const only = taken[0];
  if (taken.length === 1 && only !== undefined && !dumpOpen) return { dump: only, beside: [], notes };
  const kinds = await sortFiles(taken.map((file) => ({ file, name: nameOf(file) })));
  let dump: File | undefined;
  let compare: File | undefined;
  const beside: GivenFile[] = [];
  const ignored: string[] = [];
  taken.forEach((file, i) => {
    const kind = kinds[i] ?? 'unknown';
    // A saved report opens like a dump (its tables, without the memory).
    if (kind === 'core' || kind === 'report') {
      if (dump === undefined) dump = file;
      else if (compare === undefined && !dumpOpen) compare = file;
      else notes.push(`${file.name} is another dump or report: one is open at a time (${dump.name} was opened)`);
    } else if (kind === 'image' || kind === 'perf-map') {
      beside.push({ file, name: nameOf(file) });
    } else {
      ignored.push(file.name);
    }
  });
  // In a folder most files are of no interest (scripts, data): only a single file given alone is worth a word.
  if (ignored.length > 0 && taken.length <= 8)
    notes.push(`not a core dump, ELF binary, debug file or perf map: ${ignored.join(', ')}`);
  // One file of no kind the page reads: meant as a dump, so the header pass says what is wrong with it (and the
  // dump on screen stays).
  if (taken.length === 1 && ignored.length === 1 && only !== undefined) return { dump: only, beside: [], notes: [] };
  return { ...(dump ? { dump } : {}), ...(dump && compare ? { compare } : {}), beside, notes };
}
