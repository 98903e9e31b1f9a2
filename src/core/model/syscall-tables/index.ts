/**
 * System call names by architecture: the table a core's `dump.arch` selects. Only architectures whose registers
 * say which call a thread is in (see ../syscall.ts) have one; elsewhere a name would be a guess.
 */
import { AARCH64_SYSCALLS } from './aarch64';
import { ARM_SYSCALLS } from './arm';
import { I386_SYSCALLS } from './i386';
import { X86_64_SYSCALLS } from './x86_64';

const TABLES: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  x86_64: X86_64_SYSCALLS,
  i386: I386_SYSCALLS,
  aarch64: AARCH64_SYSCALLS,
  arm: ARM_SYSCALLS,
};

/** The call's name, or undefined when the architecture has no table or the number is not in it. */
export function syscallName(arch: string, nr: number): string | undefined {
  const table = TABLES[arch];
  return table === undefined || !Object.hasOwn(table, nr) ? undefined : table[nr];
}
