/**
 * The system call a thread is in, from synthetic register sets laid out as each architecture's NT_PRSTATUS
 * (model/syscall.ts): x86_64's and i386's orig_ax, aarch64's and arm's number register at an `svc #0`, and the
 * text the Threads view shows.
 */
import { describe, expect, it } from 'vitest';
import { BinaryView } from '../../src/core/elf/binary-view';
import { AARCH64, ARM } from '../../src/core/notes/arch/arm';
import type { PrstatusLayout } from '../../src/core/notes/arch/layout';
import { I386, X86_64 } from '../../src/core/notes/arch/x86';
import { decodeSyscall, type CodeReader } from '../../src/core/model/syscall';
import { RegisterSet } from '../../src/core/types';

/** A register set in `layout` with the given values (little-endian, the rest zero). */
function registers(layout: PrstatusLayout, values: Record<string, bigint>): RegisterSet {
  const bits = layout.header.regs === 112 ? 64 : 32;
  const bytes = new Uint8Array(layout.gregsetSize);
  const view = new DataView(bytes.buffer);
  for (const [name, value] of Object.entries(values)) {
    const slot = layout.registers.find((r) => r.name === name);
    if (slot === undefined) throw new Error(`no register ${name} in ${layout.arch}`);
    if (slot.size === 8) view.setBigUint64(slot.offset, BigInt.asUintN(64, value), true);
    else view.setUint32(slot.offset, Number(BigInt.asUintN(32, value)), true);
  }
  return new RegisterSet(new BinaryView(bytes, 'little', bits), 0, layout.registers);
}

/** Code memory holding `words` (little-endian, `size` bytes each) from `base`. */
function code(base: bigint, words: readonly number[], size: 2 | 4 = 4): CodeReader {
  const bytes = new Uint8Array(words.length * size);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => (size === 4 ? view.setUint32(i * size, w, true) : view.setUint16(i * size, w, true)));
  return (address, length) => {
    const offset = Number(address - base);
    if (offset < 0 || offset + length > bytes.length) return Promise.resolve(undefined);
    return Promise.resolve(bytes.slice(offset, offset + length));
  };
}

const SVC_A64 = 0xd4000001;
const NOP_A64 = 0xd503201f;

describe('x86_64: orig_rax', () => {
  it('reads a blocked recvfrom interrupted by the dump (-ERESTARTSYS)', async () => {
    const s = await decodeSyscall(
      'x86_64',
      registers(X86_64, {
        orig_rax: 45n,
        rax: -512n,
        rdi: 7n,
        rsi: 0x7f12_3456_0000n,
        rdx: 512n,
        r10: 0n,
        r8: 0n,
        r9: 0n,
      }),
    );
    expect(s).toEqual({
      nr: 45,
      name: 'recvfrom',
      args: [7n, 0x7f12_3456_0000n, 512n, 0n, 0n, 0n],
      interrupted: true,
      text: 'recvfrom(fd 7, 0x7f1234560000, 512, 0, NULL, NULL)',
      evidence: 'orig_rax = 45, rax = -512 (-ERESTARTSYS)',
    });
  });

  it('says nothing when orig_rax is -1 (an interrupt or exception, not a call)', async () => {
    expect(await decodeSyscall('x86_64', registers(X86_64, { orig_rax: -1n, rax: 5n }))).toBeUndefined();
  });

  it('keeps a finished call: the abort()ing thread in tgkill, rax 0, not interrupted', async () => {
    const s = await decodeSyscall(
      'x86_64',
      registers(X86_64, { orig_rax: 234n, rax: 0n, rdi: 100n, rsi: 100n, rdx: 6n }),
    );
    expect(s?.text).toBe('tgkill(100, 100, 6)');
    expect(s?.interrupted).toBe(false);
    expect(s?.evidence).toBe('orig_rax = 234');
  });

  it('decodes futex operations with their flags', async () => {
    const wait = await decodeSyscall(
      'x86_64',
      registers(X86_64, { orig_rax: 202n, rax: -512n, rdi: 0x7f00_0000_1000n, rsi: 0x80n, rdx: 2n }),
    );
    expect(wait?.text).toBe('futex(0x7f0000001000, FUTEX_WAIT_PRIVATE, 2, NULL)');
    const bitset = await decodeSyscall(
      'x86_64',
      registers(X86_64, {
        orig_rax: 202n,
        rax: -516n,
        rdi: 0x7f00_0000_1000n,
        rsi: 0x189n,
        rdx: 0n,
        r10: 0x7ffd_0000_0100n,
        r9: 0xffff_ffffn,
      }),
    );
    expect(bitset?.text).toBe(
      'futex(0x7f0000001000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, 0x7ffd00000100, NULL, 0xffffffff)',
    );
    expect(bitset?.evidence).toBe('orig_rax = 202, rax = -516 (-ERESTART_RESTARTBLOCK)');
    const wake = await decodeSyscall('x86_64', registers(X86_64, { orig_rax: 202n, rdi: 0x1000n, rsi: 1n, rdx: 1n }));
    expect(wake?.text).toBe('futex(0x1000, FUTEX_WAKE, 1)');
    const odd = await decodeSyscall('x86_64', registers(X86_64, { orig_rax: 202n, rdi: 0x1000n, rsi: 0x7fn }));
    expect(odd?.text).toMatch(/^futex\(0x1000, 0x7f, /);
  });

  it('shows fds, 32-bit timeouts, clocks and flags as the calls declare them', async () => {
    const cases: [Record<string, bigint>, string][] = [
      [{ orig_rax: 47n, rdi: 127n, rsi: 0x7f00n, rdx: 0n }, 'recvmsg(fd 127, 0x7f00, 0)'],
      // `mov $-1, %r10d`: the upper half is zero, the kernel reads an int.
      [
        { orig_rax: 232n, rdi: 5n, rsi: 0x7f00n, rdx: 64n, r10: 0xffff_ffffn },
        'epoll_wait(fd 5, 0x7f00, 64, timeout -1)',
      ],
      [
        { orig_rax: 281n, rdi: 5n, rsi: 0x7f00n, rdx: 64n, r10: 1000n, r8: 0n, r9: 8n },
        'epoll_pwait(fd 5, 0x7f00, 64, timeout 1000, NULL, 8)',
      ],
      [{ orig_rax: 0n, rdi: 0n, rsi: 0x7f00n, rdx: 4096n }, 'read(fd 0, 0x7f00, 4096)'],
      [{ orig_rax: 7n, rdi: 0x7f00n, rsi: 2n, rdx: -1n }, 'poll(0x7f00, 2, timeout -1)'],
      [{ orig_rax: 271n, rdi: 0x7f00n, rsi: 1n, rdx: 0n, r10: 0x7e00n, r8: 8n }, 'ppoll(0x7f00, 1, NULL, 0x7e00, 8)'],
      [{ orig_rax: 288n, rdi: 3n, rsi: 0n, rdx: 0n, r10: 0x80800n }, 'accept4(fd 3, NULL, NULL, 0x80800)'],
      [{ orig_rax: 35n, rdi: 0x7f00n, rsi: 0x7e00n }, 'nanosleep(0x7f00, 0x7e00)'],
      [
        { orig_rax: 230n, rdi: 1n, rsi: 1n, rdx: 0x7f00n, r10: 0n },
        'clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, 0x7f00, NULL)',
      ],
      [{ orig_rax: 61n, rdi: -1n, rsi: 0x7f00n, rdx: 0n, r10: 0n }, 'wait4(-1, 0x7f00, 0, NULL)'],
      [{ orig_rax: 23n, rdi: 4n, rsi: 0x10n, rdx: 0n, r10: 0n, r8: 0n }, 'select(4, 0x10, NULL, NULL, NULL)'],
      [{ orig_rax: 270n, rdi: 4n, rsi: 0x10n, r9: 0x20n }, 'pselect6(4, 0x10, NULL, NULL, NULL, 0x20)'],
      [
        { orig_rax: 426n, rdi: 9n, rsi: 0n, rdx: 1n, r10: 1n, r8: 0n, r9: 8n },
        'io_uring_enter(fd 9, 0, 1, 0x1, NULL, 8)',
      ],
      [{ orig_rax: 257n, rdi: -100n, rsi: 0x7f00n, rdx: 0x80000n }, 'openat(AT_FDCWD, 0x7f00, 0x80000, 0)'],
      [{ orig_rax: 34n }, 'pause()'],
    ];
    for (const [values, text] of cases) {
      expect((await decodeSyscall('x86_64', registers(X86_64, values)))?.text).toBe(text);
    }
  });

  it('names a number outside the table by its number and shows six hex arguments', async () => {
    const s = await decodeSyscall('x86_64', registers(X86_64, { orig_rax: 400n, rdi: 1n, r9: 0xffn }));
    expect(s?.name).toBe('syscall_400');
    expect(s?.text).toBe('syscall_400(0x1, 0x0, 0x0, 0x0, 0x0, 0xff)');
  });

  it('does not decode x32 numbers (bit 30)', async () => {
    expect(await decodeSyscall('x86_64', registers(X86_64, { orig_rax: 0x4000_0000n + 45n }))).toBeUndefined();
  });
});

describe('i386: orig_eax', () => {
  it('reads the number and ebx ecx edx esi edi ebp', async () => {
    const s = await decodeSyscall(
      'i386',
      registers(I386, { orig_eax: 240n, eax: -512n, ebx: 0x0804_a000n, ecx: 0x80n, edx: 3n }),
    );
    expect(s?.name).toBe('futex');
    expect(s?.args).toEqual([0x0804_a000n, 0x80n, 3n, 0n, 0n, 0n]);
    expect(s?.text).toBe('futex(0x804a000, FUTEX_WAIT_PRIVATE, 3, NULL)');
    expect(s?.evidence).toBe('orig_eax = 240, eax = -512 (-ERESTARTSYS)');
  });

  it('reads -1 as no call', async () => {
    expect(await decodeSyscall('i386', registers(I386, { orig_eax: 0xffff_ffffn }))).toBeUndefined();
  });

  it('names the 32-bit ABI calls: _newselect, nanosleep', async () => {
    expect((await decodeSyscall('i386', registers(I386, { orig_eax: 142n })))?.name).toBe('_newselect');
    expect((await decodeSyscall('i386', registers(I386, { orig_eax: 162n })))?.name).toBe('nanosleep');
  });
});

describe('aarch64: x8 at an svc #0', () => {
  const pc = 0x0000_ffff_8000_1004n;
  const regs = registers(AARCH64, { pc, x8: 207n, x0: 12n, x1: 0xffff_0000n, x2: 512n, x3: 0n });

  it('reads a restarted call: pc moved back onto the svc', async () => {
    const s = await decodeSyscall('aarch64', regs, code(pc - 4n, [NOP_A64, SVC_A64]));
    expect(s).toEqual({
      nr: 207,
      name: 'recvfrom',
      args: [12n, 0xffff_0000n, 512n, 0n, 0n, 0n],
      interrupted: true,
      text: 'recvfrom(fd 12, 0xffff0000, 512, 0, NULL, NULL)',
      evidence: 'x8 = 207 at an svc #0',
    });
  });

  it('says nothing without readable code, or when pc is not at an svc', async () => {
    expect(await decodeSyscall('aarch64', regs)).toBeUndefined();
    expect(await decodeSyscall('aarch64', regs, () => Promise.resolve(undefined))).toBeUndefined();
    expect(await decodeSyscall('aarch64', regs, code(pc, [NOP_A64]))).toBeUndefined();
    expect(await decodeSyscall('aarch64', regs, () => Promise.reject(new Error('damaged')))).toBeUndefined();
  });

  it('reads a call that returned -EINTR: pc after the svc, x0 lost', async () => {
    const eintr = registers(AARCH64, { pc: pc + 4n, x8: 22n, x0: -4n, x1: 0xffff_0000n, x2: 16n, x3: 0xffff_ffffn });
    const s = await decodeSyscall('aarch64', eintr, code(pc, [SVC_A64, NOP_A64]));
    expect(s?.name).toBe('epoll_pwait');
    expect(s?.text).toBe('epoll_pwait(?, 0xffff0000, 16, timeout -1, NULL, 0)');
    expect(s?.evidence).toBe('x8 = 22 after an svc #0, x0 = -4 (-EINTR)');
    // The same place without -EINTR in x0 is just code after a call.
    const after = registers(AARCH64, { pc: pc + 4n, x8: 22n, x0: 3n });
    expect(await decodeSyscall('aarch64', after, code(pc, [SVC_A64, NOP_A64]))).toBeUndefined();
  });

  it('uses the asm-generic numbers: futex 98, nanosleep 101, io_uring_enter 426', async () => {
    const name = async (nr: bigint): Promise<string | undefined> =>
      (await decodeSyscall('aarch64', registers(AARCH64, { pc, x8: nr }), code(pc, [SVC_A64])))?.name;
    expect([await name(98n), await name(101n), await name(426n)]).toEqual(['futex', 'nanosleep', 'io_uring_enter']);
  });
});

describe('arm: r7 at an svc #0', () => {
  const pc = 0x0001_0404n;

  it('reads an ARM-state svc', async () => {
    const regs = registers(ARM, { pc, r7: 240n, r0: 0x2_1000n, r1: 0x80n, r2: 2n });
    const s = await decodeSyscall('arm', regs, code(pc, [0xef00_0000]));
    expect(s?.text).toBe('futex(0x21000, FUTEX_WAIT_PRIVATE, 2, NULL)');
    expect(s?.evidence).toBe('r7 = 240 at an svc #0');
  });

  it('reads a Thumb svc (cpsr T) and recovers r0 from orig_r0 after -EINTR', async () => {
    const regs = registers(ARM, { pc: pc + 2n, cpsr: 0x30n, r7: 291n, r0: -4n, orig_r0: 9n, r1: 0x2_0000n, r2: 64n });
    const s = await decodeSyscall('arm', regs, code(pc, [0xdf00, 0xbf00], 2));
    expect(s?.name).toBe('recv');
    expect(s?.args[0]).toBe(9n);
    expect(s?.text).toBe('recv(fd 9, 0x20000, 64, 0)');
    expect(s?.evidence).toBe('r7 = 291 after an svc #0, r0 = -4 (-EINTR)');
  });

  it('names arm private calls', async () => {
    const regs = registers(ARM, { pc, r7: 0xf0005n });
    expect((await decodeSyscall('arm', regs, code(pc, [0xef00_0000])))?.name).toBe('set_tls');
  });
});

describe('other architectures', () => {
  it('are not guessed at', async () => {
    expect(await decodeSyscall('riscv64', registers(AARCH64, { x8: 63n }), code(0n, [SVC_A64]))).toBeUndefined();
    expect(await decodeSyscall('x86_64', RegisterSet.EMPTY)).toBeUndefined();
  });
});
