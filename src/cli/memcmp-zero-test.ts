import { wordNonZeroTest, type NonZeroTest } from '../core/scan/census';

/** Zeros to compare pages with: at least a census page (4 KiB), whatever the page size. */
const ZEROS = Buffer.alloc(64 * 1024);

/**
 * The census's zero test through Node's native memcmp (Buffer#compare over the slice, no copy): several times the
 * rate of the portable word loop, which the page has to use (`npm run bench -- --only census` prints both rates).
 */
export const memcmpNonZeroTest: NonZeroTest = (bytes) => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const fallback = wordNonZeroTest(bytes);
  return (from, to) => (to - from > ZEROS.length ? fallback(from, to) : buffer.compare(ZEROS, 0, to - from, from, to) !== 0);
};
