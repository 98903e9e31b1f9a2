/**
 * The CLI's native zero test (src/cli/memcmp-zero-test.ts) must answer exactly as the portable one the page uses:
 * the census JSON of both is compared byte for byte by the e2e, and here range by range.
 */
import { describe, expect, it } from 'vitest';
import { memcmpNonZeroTest } from '../../src/cli/memcmp-zero-test';
import { wordNonZeroTest } from '../../src/core/scan/census';
import { prng } from './scan-layout';

describe('memcmpNonZeroTest', () => {
  it('agrees with the word loop on random ranges of sparse bytes, at any byte offset of the buffer', () => {
    const rand = prng(3);
    const backing = new Uint8Array(3 * 65536 + 8);
    for (let i = 0; i < 40; i++) backing[Math.floor(rand() * backing.length)] = 1 + Math.floor(rand() * 255);
    for (const offset of [0, 1, 3, 8]) {
      const bytes = backing.subarray(offset, offset + 3 * 65536);
      const native = memcmpNonZeroTest(bytes);
      const word = wordNonZeroTest(bytes);
      for (let k = 0; k < 2000; k++) {
        const from = Math.floor(rand() * bytes.length);
        // Mostly page-sized ranges, sometimes longer than the zero buffer (the fallback), sometimes empty.
        const length = k % 10 === 0 ? Math.floor(rand() * 2 * 65536) : Math.floor(rand() * 4097);
        const to = Math.min(bytes.length, from + length);
        expect(native(from, to), `[${from}, ${to}) at offset ${offset}`).toBe(word(from, to));
      }
    }
  });

  it('sees a single non-zero byte at either edge of a page', () => {
    for (const at of [0, 4095]) {
      const bytes = new Uint8Array(8192);
      bytes[4096 + at] = 1;
      const native = memcmpNonZeroTest(bytes);
      expect(native(0, 4096)).toBe(false);
      expect(native(4096, 8192)).toBe(true);
    }
  });
});
