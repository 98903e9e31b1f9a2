import { describe, expect, it } from 'vitest';
import type { ReportContents } from '../../workers/engine-protocol';
import { dumpMismatch } from './match-dump';

const FP = 'ab'.repeat(32);
const report: ReportContents = {
  dumpName: 'core.1234',
  dumpSize: 1_048_576,
  fingerprint: FP,
  syscalls: [],
  findings: [],
};

describe('a dump given to a report', () => {
  it('matches by size and fingerprint', () => {
    expect(dumpMismatch(report, { ok: true, size: 1_048_576, fingerprint: FP }, 'core.1234')).toBeUndefined();
  });

  it('names the size when it differs', () => {
    expect(dumpMismatch(report, { ok: true, size: 4096, fingerprint: FP }, 'other.core')).toBe(
      "other.core is not the dump this report was made from: its size differs (4,096 bytes; the report's core.1234 has 1,048,576)",
    );
  });

  it('names the fingerprint when only it differs', () => {
    expect(dumpMismatch(report, { ok: true, size: 1_048_576, fingerprint: 'cd'.repeat(32) }, 'other.core')).toBe(
      "other.core is not the dump this report was made from: its size is the same but its header's fingerprint differs (cdcdcdcdcdcd…, the report's abababababab…)",
    );
  });

  it('matches an older report, which has no fingerprint, by size alone', () => {
    const older: ReportContents = { ...report, fingerprint: undefined };
    expect(dumpMismatch(older, { ok: true, size: 1_048_576, fingerprint: 'cd'.repeat(32) }, 'x')).toBeUndefined();
  });

  it('says why a file that is not a core cannot match', () => {
    expect(dumpMismatch(report, { ok: false, message: 'not an ELF file' }, 'notes.txt')).toBe(
      'notes.txt cannot be read as a core dump: not an ELF file',
    );
  });

  it('matches a compressed file by the fingerprint of the core it decodes to (its decoded size is not known yet)', () => {
    expect(dumpMismatch(report, { ok: true, fingerprint: FP, compression: 'zstd' }, 'core.1234.zst')).toBeUndefined();
    expect(dumpMismatch(report, { ok: true, fingerprint: 'cd'.repeat(32), compression: 'gzip' }, 'o.gz')).toBe(
      "o.gz is not the dump this report was made from: its header's fingerprint, decompressed, differs (cdcdcdcdcdcd…, the report's abababababab…)",
    );
  });

  it('cannot match a compressed file to an older report, which has only the size to go by', () => {
    const older: ReportContents = { ...report, fingerprint: undefined };
    expect(dumpMismatch(older, { ok: true, fingerprint: FP, compression: 'xz' }, 'c.xz')).toBe(
      'c.xz is compressed and this report is from an older coreview, without a fingerprint: it can be matched only by size, so give the decompressed core',
    );
  });
});
