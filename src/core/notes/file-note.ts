import { BinaryView } from '../elf/binary-view';
import type { FileMapping } from '../model/types';

export interface FileNote {
  readonly pageSize: number;
  readonly mappings: FileMapping[];
}

/**
 * NT_FILE: `count, page_size`, then count × (start, end, file_offset_in_pages), then count NUL-terminated names,
 * all words in the core's class. Only file-backed mappings are listed. The kernel drops the whole note above
 * ~65k mappings, so its absence is not proof of "no files". Counts are checked against the note size before
 * anything is allocated.
 */
export function parseFileNote(desc: Uint8Array, v: BinaryView, warn: (m: string) => void): FileNote | undefined {
  const view = new BinaryView(desc, v.endian, v.bits);
  const w = view.wordSize;
  if (desc.length < 2 * w) {
    warn(`NT_FILE note of ${desc.length} bytes is too short`);
    return undefined;
  }
  const count = view.wordNumber(0);
  const pageSize = view.wordNumber(w);
  const namesAt = 2 * w + count * 3 * w;
  if (!Number.isFinite(namesAt) || namesAt > desc.length) {
    warn(`NT_FILE claims ${count} mappings but holds room for at most ${Math.floor((desc.length - 2 * w) / (3 * w))}; ignored`);
    return undefined;
  }
  const mappings: FileMapping[] = [];
  let nameAt = namesAt;
  const page = BigInt(pageSize);
  for (let i = 0; i < count; i++) {
    const at = 2 * w + i * 3 * w;
    if (nameAt >= desc.length) {
      warn(`NT_FILE names end after ${i} of ${count} mappings`);
      break;
    }
    let end = nameAt;
    while (end < desc.length && desc[end] !== 0) end++;
    const path = view.cstring(nameAt, end - nameAt);
    nameAt = end + 1;
    mappings.push({ start: view.word(at), end: view.word(at + w), fileOffset: view.word(at + 2 * w) * page, path });
  }
  return { pageSize, mappings };
}
