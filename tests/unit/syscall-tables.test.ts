/**
 * The system call name tables (model/syscall-tables/) against the kernel's UAPI headers installed here
 * (linux-libc-dev: asm/unistd_64.h, asm/unistd_32.h, asm-generic/unistd.h; the arm cross headers where present),
 * number for number, and a few numbers every table must hold whatever headers the machine has.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syscallName } from '../../src/core/model/syscall-tables';

/**
 * `#define __NR_name N` (or `(__NR_SYSCALL_BASE + N)`) lines of a header, leaving out those inside an
 * `#if … __BITS_PER_LONG == 32` block (asm-generic's time64 calls, which 64-bit architectures do not have).
 */
function defines(path: string, prefix = '__NR_'): Map<string, number> {
  const out = new Map<string, number>();
  const pattern = new RegExp(`^#define ${prefix}(\\w+)\\s+(?:\\(__NR_SYSCALL_BASE \\+ )?(\\d+)\\)?\\s*$`);
  let depth = 0;
  let skipFrom = -1;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('#if')) {
      depth++;
      if (skipFrom < 0 && line.includes('__BITS_PER_LONG == 32')) skipFrom = depth;
    } else if (line.startsWith('#endif')) {
      if (depth === skipFrom) skipFrom = -1;
      depth--;
    }
    if (skipFrom >= 0) continue;
    const m = pattern.exec(line);
    if (m?.[1] !== undefined && m[1] !== 'syscalls') out.set(m[1], Number(m[2]));
  }
  return out;
}

function mismatches(arch: string, header: Map<string, number>): string[] {
  return [...header]
    .filter(([name, nr]) => syscallName(arch, nr) !== name)
    .map(([name, nr]) => `${name} ${nr}: ${syscallName(arch, nr)}`);
}

const X86_64_H = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';
const I386_H = '/usr/include/x86_64-linux-gnu/asm/unistd_32.h';
const GENERIC_H = '/usr/include/asm-generic/unistd.h';
const ARM_H = '/usr/arm-linux-gnueabihf/include/asm/unistd-eabi.h';

describe('system call tables', () => {
  it.skipIf(!existsSync(X86_64_H))('x86_64 agrees with asm/unistd_64.h', () => {
    const header = defines(X86_64_H);
    expect(header.size).toBeGreaterThan(300);
    expect(mismatches('x86_64', header)).toEqual([]);
  });

  it.skipIf(!existsSync(I386_H))('i386 agrees with asm/unistd_32.h', () => {
    const header = defines(I386_H);
    expect(header.size).toBeGreaterThan(300);
    expect(mismatches('i386', header)).toEqual([]);
  });

  it.skipIf(!existsSync(GENERIC_H))(
    'aarch64 agrees with asm-generic/unistd.h as a 64-bit architecture builds it',
    () => {
      const header = defines(GENERIC_H);
      // sync_file_range2 is for architectures that define __ARCH_WANT_SYNC_FILE_RANGE2 (not arm64: sync_file_range).
      header.delete('sync_file_range2');
      header.delete('arch_specific_syscall'); // the first number left to each architecture (244), not a call
      expect(header.size).toBeGreaterThan(250);
      expect(mismatches('aarch64', header)).toEqual([]);
      // The __NR3264_ calls take their 64-bit names.
      const names64: Record<string, string> = { fstatat: 'newfstatat', fstat: 'fstat', mmap: 'mmap', lseek: 'lseek' };
      for (const [name, nr] of defines(GENERIC_H, '__NR3264_')) {
        expect(syscallName('aarch64', nr), name).toBe(names64[name] ?? name);
      }
      expect(syscallName('aarch64', 84)).toBe('sync_file_range');
    },
  );

  it.skipIf(!existsSync(ARM_H))('arm agrees with asm/unistd-eabi.h', () => {
    const header = defines(ARM_H);
    header.delete('arm_sync_file_range'); // the header's other name for 341, sync_file_range2
    expect(header.size).toBeGreaterThan(300);
    expect(mismatches('arm', header)).toEqual([]);
  });

  it('holds the calls blocked threads sit in, and the ones added after the headers here', () => {
    const x86 = [0, 7, 35, 45, 47, 202, 232, 281, 288, 426, 435, 449, 455, 462, 469].map((n) =>
      syscallName('x86_64', n),
    );
    expect(x86).toEqual([
      'read',
      'poll',
      'nanosleep',
      'recvfrom',
      'recvmsg',
      'futex',
      'epoll_wait',
      'epoll_pwait',
      'accept4',
      'io_uring_enter',
      'clone3',
      'futex_waitv',
      'futex_wait',
      'mseal',
      'file_setattr',
    ]);
    const generic = [22, 63, 73, 98, 101, 115, 207, 212, 242, 260].map((n) => syscallName('aarch64', n));
    expect(generic).toEqual([
      'epoll_pwait',
      'read',
      'ppoll',
      'futex',
      'nanosleep',
      'clock_nanosleep',
      'recvfrom',
      'recvmsg',
      'accept4',
      'wait4',
    ]);
    expect([3, 102, 142, 240, 422].map((n) => syscallName('i386', n))).toEqual([
      'read',
      'socketcall',
      '_newselect',
      'futex',
      'futex_time64',
    ]);
    expect([3, 240, 291, 0xf0005].map((n) => syscallName('arm', n))).toEqual(['read', 'futex', 'recv', 'set_tls']);
    expect(syscallName('x86_64', 1000)).toBeUndefined();
    expect(syscallName('riscv64', 63)).toBeUndefined();
  });
});
