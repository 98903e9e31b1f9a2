import { describe, expect, it } from 'vitest';
import { BinaryView } from '../../src/core/elf/binary-view';
import { EM } from '../../src/core/elf/constants';
import { parseSiginfo, signalName } from '../../src/core/notes/siginfo';

/** A 32-bit little-endian siginfo_t: signo, then (code, errno) in MIPS order or (errno, code) elsewhere, si_addr. */
function siginfo32(signo: number, code: number, address: number, mips: boolean): Uint8Array {
  const bytes = new Uint8Array(128);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, signo, true);
  v.setInt32(mips ? 4 : 8, code, true);
  v.setUint32(12, address, true);
  return bytes;
}

describe('signal numbering per architecture', () => {
  const view = new BinaryView(new Uint8Array(0), 'little', 32);

  it('names SIGBUS 7 on generic Linux and 10 on MIPS, SPARC, Alpha and PA-RISC', () => {
    expect(signalName(7, EM.X86_64)).toBe('SIGBUS');
    expect(signalName(10, EM.X86_64)).toBe('SIGUSR1');
    for (const machine of [EM.MIPS, EM.SPARCV9, EM.ALPHA, EM.PARISC]) {
      expect(signalName(10, machine)).toBe('SIGBUS');
      expect(signalName(7, machine)).toBe('signal 7');
      expect(signalName(11, machine)).toBe('SIGSEGV');
    }
    expect(signalName(0, EM.X86_64)).toBeUndefined();
  });

  it("reads a MIPS SIGBUS's fault address, and none for MIPS signal 7 (SIGEMT)", () => {
    expect(parseSiginfo(siginfo32(10, 1, 0x1234, true), view, EM.MIPS)).toEqual({
      signo: 10,
      code: 1,
      errno: 0,
      faultAddress: 0x1234n,
    });
    expect(parseSiginfo(siginfo32(7, 1, 0x1234, true), view, EM.MIPS)?.faultAddress).toBeUndefined();
    expect(parseSiginfo(siginfo32(7, 2, 0x5678, false), view, EM.ARM)?.faultAddress).toBe(0x5678n);
  });
});
