/**
 * The system call a thread is in, from its registers alone: for the Threads view ("recvfrom(fd 7, 0x7f…, 512, 0)")
 * and the stack groups, where what a blocked thread waits in says more than its frames.
 *
 * What the registers hold when a core is written, and so what each architecture can tell:
 *
 * x86_64 and i386 keep the call's number apart from its result: the entry code saves it in `orig_rax`/`orig_eax`
 * and every other kernel entry (interrupts, exceptions) sets that slot to -1, so `orig_rax >= 0` says "the last
 * entry into the kernel was this call". The arguments stay in their registers (rdi rsi rdx r10 r8 r9; ebx ecx edx
 * esi edi ebp) and `rax` holds the result. A thread blocked in a call is woken to be dumped, so its call returns
 * -EINTR or -ERESTART…, and rax says so. Measured on Linux 6.18 with threads blocked in raw syscalls, in a
 * kernel core (the main thread abort()ed) and in a gdb gcore snapshot of the same program, compared with gdb's
 * `info registers orig_rax rax`; both producers wrote the same:
 *   futex(FUTEX_WAIT_PRIVATE), read(pipe)   orig_rax 202, 0    rax -512 (-ERESTARTSYS)
 *   nanosleep, poll(timeout -1)             orig_rax 35, 7     rax -516 (-ERESTART_RESTARTBLOCK)
 *   epoll_wait, rt_sigtimedwait (gcore)     orig_rax 232, 128  rax -4 (-EINTR)
 *   the thread that called abort() (kernel) orig_rax 234 (tgkill), rax 0: the call that raised SIGABRT
 * So `interrupted` is true for every thread that was waiting when the dump was taken, not only for those a signal
 * handler interrupted; a thread whose call had finished (the abort()ing thread) has its result in rax.
 *
 * aarch64 and 32-bit arm cores carry no orig_x0/syscallno (arm: orig_r0, but no number). The number is in x8/r7,
 * which the call leaves alone, but the kernel's do_signal() runs before the dump: for -ERESTART… it puts the first
 * argument back into x0/r0 and moves pc back onto the `svc` to restart the call. So a thread at an `svc #0` with
 * x8/r7 = N was in call N, with its arguments in x0–x5/r0–r5. For -EINTR nothing is rewound: pc is just after the
 * `svc` and x0/r0 holds -4, so the first argument is lost: aarch64's `args[0]` is then that -4 and the text shows
 * `?` (arm's orig_r0 still has it). Both need the instruction,
 * read through `readCode`; without readable code nothing is said, since x8 alone is only a register.
 *
 * Other architectures: undefined rather than a guess.
 */
import type { RegisterSet, Syscall } from '../types';
import { formatCall } from './syscall-tables/arguments';
import { syscallName } from './syscall-tables';

/** Reads `length` bytes of the process's memory at `address` (the instruction at pc); undefined where absent. */
export type CodeReader = (address: bigint, length: number) => Promise<Uint8Array | undefined>;

/** The results that say a blocked call was cut short (include/linux/errno.h, uapi errno-base.h). */
const INTERRUPTED: ReadonlyMap<number, string> = new Map([
  [-4, 'EINTR'],
  [-512, 'ERESTARTSYS'],
  [-513, 'ERESTARTNOINTR'],
  [-514, 'ERESTARTNOHAND'],
  [-516, 'ERESTART_RESTARTBLOCK'],
]);
const EINTR = -4;

/** A64 `svc #0`; A32 `svc #0` (condition AL); T32 `svc #0`. Instructions are little-endian on every ARM Linux ABI. */
const A64_SVC0 = 0xd4000001;
const A32_SVC0 = 0xef000000;
const T32_SVC0 = 0xdf00;
/** CPSR's Thumb state bit. */
const CPSR_T = 1n << 5n;

/** A number past any table (x32's bit 30 and above; arm's private calls end at 0xf0006): not decoded. */
const MAX_NUMBER = 0x100000;

export async function decodeSyscall(
  arch: string,
  registers: RegisterSet,
  readCode?: CodeReader,
): Promise<Syscall | undefined> {
  try {
    switch (arch) {
      case 'x86_64':
        return fromOrigRegister(arch, registers, 'orig_rax', 'rax', ['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'], 64);
      case 'i386':
        return fromOrigRegister(arch, registers, 'orig_eax', 'eax', ['ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp'], 32);
      case 'aarch64':
        return await fromSvc(arch, registers, readCode, 'x8', numberedRegisters('x'), 64);
      case 'arm':
        return await fromSvc(arch, registers, readCode, 'r7', numberedRegisters('r'), 32);
      default:
        return undefined;
    }
  } catch {
    // A code read of a damaged dump: the registers alone say nothing more.
    return undefined;
  }
}

function numberedRegisters(prefix: string): string[] {
  return Array.from({ length: 6 }, (_, i) => `${prefix}${i}`);
}

function signed(value: bigint, bits: 32 | 64): number {
  return Number(BigInt.asIntN(bits, value));
}

function argumentsOf(registers: RegisterSet, names: readonly string[]): bigint[] | undefined {
  const args: bigint[] = [];
  for (const name of names) {
    const value = registers.value(name);
    if (value === undefined) return undefined;
    args.push(value);
  }
  return args;
}

function nameOf(arch: string, nr: number): string {
  return syscallName(arch, nr) ?? `syscall_${nr}`;
}

function resultText(value: number): string {
  const name = INTERRUPTED.get(value);
  return name === undefined ? String(value) : `${value} (-${name})`;
}

function fromOrigRegister(
  arch: string,
  registers: RegisterSet,
  origName: string,
  resultName: string,
  argNames: readonly string[],
  bits: 32 | 64,
): Syscall | undefined {
  const orig = registers.value(origName);
  const result = registers.value(resultName);
  const args = argumentsOf(registers, argNames);
  if (orig === undefined || result === undefined || args === undefined) return undefined;
  const nr = signed(orig, bits);
  if (nr < 0 || nr >= MAX_NUMBER) return undefined;
  const name = nameOf(arch, nr);
  const returned = signed(result, bits);
  const interrupted = INTERRUPTED.has(returned);
  return {
    nr,
    name,
    args,
    interrupted,
    text: formatCall(name, args),
    evidence: `${origName} = ${nr}${interrupted ? `, ${resultName} = ${resultText(returned)}` : ''}`,
  };
}

async function fromSvc(
  arch: 'aarch64' | 'arm',
  registers: RegisterSet,
  readCode: CodeReader | undefined,
  numberName: string,
  argNames: readonly string[],
  bits: 32 | 64,
): Promise<Syscall | undefined> {
  if (readCode === undefined) return undefined;
  const pc = registers.value('pc');
  const number = registers.value(numberName);
  const args = argumentsOf(registers, argNames);
  if (pc === undefined || number === undefined || args === undefined) return undefined;
  const thumb = arch === 'arm' && ((registers.value('cpsr') ?? 0n) & CPSR_T) !== 0n;
  const size = thumb ? 2 : 4;
  const svc = thumb ? T32_SVC0 : arch === 'arm' ? A32_SVC0 : A64_SVC0;
  const svcText = 'svc #0';

  const nr = Number(BigInt.asUintN(32, number));
  if (nr >= MAX_NUMBER) return undefined;
  const name = nameOf(arch, nr);

  // Restarted: the kernel moved pc back onto the svc and put the first argument back.
  if (pc >= BigInt(size) && (await instructionAt(readCode, pc, size)) === svc) {
    return {
      nr,
      name,
      args,
      interrupted: true,
      text: formatCall(name, args),
      evidence: `${numberName} = ${nr} at an ${svcText}`,
    };
  }
  // -EINTR: pc stays after the svc and x0/r0 holds the result. arm's orig_r0 still has the first argument.
  const first = args[0];
  if (first === undefined || signed(first, bits) !== EINTR || pc < BigInt(size)) return undefined;
  if ((await instructionAt(readCode, pc - BigInt(size), size)) !== svc) return undefined;
  const origR0 = arch === 'arm' ? registers.value('orig_r0') : undefined;
  const known = origR0 === undefined ? args : [origR0, ...args.slice(1)];
  const firstReg = arch === 'arm' ? 'r0' : 'x0';
  return {
    nr,
    name,
    args: known,
    interrupted: true,
    text: formatCall(name, known, origR0 === undefined),
    evidence: `${numberName} = ${nr} after an ${svcText}, ${firstReg} = -4 (-EINTR)`,
  };
}

async function instructionAt(readCode: CodeReader, address: bigint, size: 2 | 4): Promise<number | undefined> {
  const bytes = await readCode(address, size);
  if (bytes === undefined || bytes.length < size) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  return size === 2 ? view.getUint16(0, true) : view.getUint32(0, true);
}
