import { BinaryView } from '../elf/binary-view';
import { iterateNotes } from '../elf/notes';
import { NT_GNU_BUILD_ID } from './note-types';

/** The GNU build-id (owner "GNU", type 3) among the notes in `bytes`, as lower-case hex. */
export function findBuildId(bytes: Uint8Array, v: BinaryView): string | undefined {
  const ignore = () => undefined; // a module's note segment read from memory may be cut short: take what parses
  for (const note of iterateNotes(new BinaryView(bytes, v.endian, v.bits), 0, ignore)) {
    if (note.name === 'GNU' && note.type === NT_GNU_BUILD_ID && note.desc.length > 0 && note.desc.length <= 64) {
      return toHex(note.desc);
    }
  }
  return undefined;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
