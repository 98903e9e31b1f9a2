import { wordNonZeroTest, type NonZeroTest } from '../core/scan/census';

/** Zeros to compare pages with: at least a census page (4 KiB), whatever the page size. */
const ZEROS = Buffer.alloc(64 * 1024);

/**
 * The census's zero test through Node's native memcmp (Buffer#compare over the slice, no copy), in place of the
 * portable word loop the page has to use. `npm run bench -- --only census` prints both rates over 256 MiB of zero
 * pages: rows "census inner loop, the CLI's (memcmp)" (this test inside censusChunk) and "census inner loop, the
 * page's (word loop)", each next to a bare Buffer.compare loop over the same pages.
 */
export const memcmpNonZeroTest: NonZeroTest = (bytes) => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const fallback = wordNonZeroTest(bytes);
  return (from, to) =>
    to - from > ZEROS.length ? fallback(from, to) : buffer.compare(ZEROS, 0, to - from, from, to) !== 0;
};
