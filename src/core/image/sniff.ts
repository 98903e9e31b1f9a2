/**
 * What a file the user gives is, from its first bytes (4 KiB are enough): a core dump (or a compressed file), an ELF image (executable,
 * shared object, debug file), a saved coreview report, a perf map, or something else. Content decides; the name
 * only breaks a tie (a perf-PID.map whose first lines are not all map lines, or that is empty).
 */
import { sniffCompression } from '../compression/sniff-compression';
import { ET_CORE } from '../elf/constants';
import { hasElfMagic } from './elf-file-header';
import { parsePerfMapLine } from './perf-map';

export type FileKind = 'core' | 'image' | 'perf-map' | 'report' | 'unknown';

/** Lines of a text file looked at to call it a perf map. */
const SNIFF_LINES = 8;

export function sniffFile(head: Uint8Array, name: string): FileKind {
  if (hasElfMagic(head)) {
    if (head.length < 18) return 'unknown';
    const type = head[5] === 2 ? ((head[16] ?? 0) << 8) | (head[17] ?? 0) : ((head[17] ?? 0) << 8) | (head[16] ?? 0);
    return type === ET_CORE ? 'core' : 'image';
  }
  // A compressed file given to the page is taken for a dump: its decoding (workers/decode-dump.ts) says if it is not.
  if (sniffCompression(head) !== undefined) return 'core';
  if (head.includes(0)) return 'unknown';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 4096)).replace(/^\uFEFF/, '');
  // A coreview JSON document: an object whose "format" is "coreview" (toJsonDocument writes it first).
  if (/^\s*\{/.test(text) && /"format"\s*:\s*"coreview"/.test(text)) return 'report';
  const namedLikeMap = /(^|\/)perf-\d+\.map$/.test(name);
  const lines = text.split('\n');
  // The last line may be cut by the 4 KiB head: judge only whole lines, unless the head is the whole file.
  if (head.length >= 4096 && lines.length > 1) lines.pop();
  const sample = lines.filter((l) => l.trim() !== '').slice(0, SNIFF_LINES);
  if (sample.length === 0) return namedLikeMap ? 'perf-map' : 'unknown';
  const good = sample.filter((l) => parsePerfMapLine(l) !== undefined).length;
  if (good === sample.length) return 'perf-map';
  return namedLikeMap && good * 2 > sample.length ? 'perf-map' : 'unknown';
}
