/**
 * Recognises a compressed dump by its first bytes, never by its name: systemd-coredump writes `.zst` (older
 * systems `.lz4` or `.xz`) and crash collectors hand out `.gz`, but a renamed file must open all the same.
 */
export type Compression = 'gzip' | 'zstd' | 'xz' | 'lz4';

/** How many leading bytes sniffCompression needs to decide. */
export const SNIFF_BYTES = 6;

/** The file-name suffix users know each format by, for messages. */
export const COMPRESSION_SUFFIX: Readonly<Record<Compression, string>> = {
  gzip: '.gz',
  zstd: '.zst',
  xz: '.xz',
  lz4: '.lz4',
};

const MAGICS: readonly (readonly [Compression, readonly number[]])[] = [
  ['gzip', [0x1f, 0x8b]],
  // zstd frame magic 0xFD2FB528, little-endian.
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  // lz4 frame magic 0x184D2204, little-endian (the legacy and block formats carry no magic and are not accepted).
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
];

/** The compression whose magic bytes start `first`, or undefined for anything else (a plain core included). */
export function sniffCompression(first: Uint8Array): Compression | undefined {
  for (const [kind, magic] of MAGICS) {
    if (first.length >= magic.length && magic.every((b, i) => first[i] === b)) return kind;
  }
  return undefined;
}
