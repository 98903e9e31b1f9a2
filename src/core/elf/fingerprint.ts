/**
 * A dump's fingerprint: SHA-256 (lower-case hex) of its ELF header, its program header table and the bytes of its
 * PT_NOTE segments, in that order, the first 16 MiB of them. Those bytes name the process, its threads' registers
 * and its mappings, so two different dumps of the same size practically never share it, and it reads nothing the
 * header pass does not read anyway. A saved report carries it (dump.fingerprint): a dump given later is matched to
 * the report by it. The bound keeps the hash a small part of the header pass on a core with 100,000 threads (40 MB
 * of notes) or an absurd program header count: 16 MiB of registers and headers tell dumps apart as well as all.
 *
 * Web Crypto (crypto.subtle) does the hashing: native in the browser, its workers and Node 20 alike.
 */
import type { ByteSource } from '../io/byte-source';
import { MAX_READ } from '../io/byte-source';
import { PT_NOTE } from './constants';
import { readElfHeader, type ElfHeader } from './header';
import { readProgramHeaders, type ProgramHeader } from './program-headers';

/** Bytes hashed at most: the ELF header, then the program headers, then the notes, until this many. */
export const FINGERPRINT_BYTES = 16 * 1024 * 1024;

export async function dumpFingerprint(
  source: ByteSource,
  header: ElfHeader,
  phdrs: readonly ProgramHeader[],
): Promise<string> {
  const headerSize = header.bits === 64 ? 64 : 52;
  const spans: [number, number][] = [
    [0, headerSize],
    [header.phoff, phdrs.length * header.phentsize],
  ];
  for (const p of phdrs) if (p.type === PT_NOTE && p.filesz > 0) spans.push([p.offset, p.filesz]);
  // One buffer, filled span by span: no list of parts to join (the bytes are copied once).
  const wanted = spans.reduce((n, [offset, length]) => n + Math.min(length, Math.max(0, source.size - offset)), 0);
  const all = new Uint8Array(Math.min(wanted, FINGERPRINT_BYTES));
  let at = 0;
  for (const [offset, length] of spans) {
    const want = Math.min(length, all.length - at, Math.max(0, source.size - offset));
    for (let done = 0; done < want;) {
      const bytes = await source.read(offset + done, Math.min(want - done, MAX_READ));
      if (bytes.length === 0) break;
      all.set(bytes, at);
      at += bytes.length;
      done += bytes.length;
    }
    if (at === all.length) break;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all.subarray(0, at)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A file's size and fingerprint, reading only its ELF header, program headers and notes: to match it to a report. */
export async function fingerprintOf(source: ByteSource): Promise<string> {
  const header = await readElfHeader(source);
  const phdrs = await readProgramHeaders(source, header, () => undefined);
  return dumpFingerprint(source, header, phdrs);
}
