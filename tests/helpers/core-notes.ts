/**
 * Descriptor encoders for the notes a Linux core carries, written from the kernel's struct layouts
 * (include/linux/elfcore.h, include/uapi/asm-generic/siginfo.h, fs/binfmt_elf.c) — independent of the engine's
 * parsers so that a wrong offset there shows up as a failing test rather than agreeing with itself.
 */
import { ByteWriter, type Bits, type Endian, type Num } from './byte-writer';

export const EM_386 = 3;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

export interface ThreadSpec {
  readonly tid: number;
  readonly pc?: bigint;
  readonly sp?: bigint;
  /** pr_cursig (16-bit). Default 0 (as gdb writes). */
  readonly signal?: number;
  /** pr_info, elf_siginfo order: signo, code, errno. Default: signo = signal, code 0, errno 0. */
  readonly info?: { readonly signo: number; readonly code?: number; readonly errno?: number };
  readonly ppid?: number;
  /** Override the descriptor size (a short or oversized note). */
  readonly descSize?: number;
}

/** Where pid, pr_reg, pc and sp live per (machine, class); sizes as the kernel writes descsz. */
interface PrstatusShape {
  readonly size: number;
  readonly pid: number;
  readonly regs: number;
  readonly pc?: number;
  readonly sp?: number;
  readonly reg: 4 | 8;
}

function prstatusShape(machine: number, bits: Bits): PrstatusShape {
  if (bits === 64 && machine === EM_X86_64) return { size: 336, pid: 32, regs: 112, pc: 128, sp: 152, reg: 8 };
  if (bits === 64 && machine === EM_AARCH64) return { size: 392, pid: 32, regs: 112, pc: 256, sp: 248, reg: 8 };
  if (bits === 32 && machine === EM_386) return { size: 144, pid: 24, regs: 72, pc: 48, sp: 60, reg: 4 };
  // Any other machine: the generic LP64/ILP32 header and no register set the builder knows.
  return bits === 64 ? { size: 120, pid: 32, regs: 112, reg: 8 } : { size: 80, pid: 24, regs: 72, reg: 4 };
}

export function prstatusDesc(t: ThreadSpec, machine: number, bits: Bits, endian: Endian): Uint8Array {
  const shape = prstatusShape(machine, bits);
  const size = t.descSize ?? shape.size;
  const w = new ByteWriter(Math.max(size, shape.size), endian, bits);
  const signal = t.signal ?? 0;
  w.u32(0, t.info?.signo ?? signal)
    .u32(4, t.info?.code ?? 0)
    .u32(8, t.info?.errno ?? 0);
  w.u16(12, signal);
  w.u32(shape.pid, t.tid).u32(shape.pid + 4, t.ppid ?? 1);
  const reg = (offset: number | undefined, value: bigint | undefined) => {
    if (offset === undefined || value === undefined) return;
    if (shape.reg === 8) w.u64(shape.regs + offset, value);
    else w.u32(shape.regs + offset, value);
  };
  reg(shape.pc, t.pc);
  reg(shape.sp, t.sp);
  return w.bytes.slice(0, size);
}

export interface PrpsinfoSpec {
  readonly pid: number;
  readonly ppid?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly pgrp?: number;
  readonly sid?: number;
  /** pr_fname: at most 15 characters fit with the NUL; 16 fill the field unterminated. */
  readonly fname?: string;
  readonly psargs?: string;
  /** pr_sname, e.g. "R", "S", "D". */
  readonly sname?: string;
  /**
   * Width of pr_uid/pr_gid in ELF32: 2 on i386/arm/m68k/s390 (124-byte struct), 4 elsewhere (128). ELF64 is
   * always 4 (136 bytes).
   */
  readonly idBytes?: 2 | 4;
}

/**
 * struct elf_prpsinfo. ELF64: state 0, sname 1, zomb 2, nice 3, flag 8 (8 bytes), uid 16, gid 20, pid 24,
 * ppid 28, pgrp 32, sid 36, fname 40 (16), psargs 56 (80) → 136. ELF32: flag at 4 (4 bytes), ids of
 * `idBytes` from 8, then the same tail → 124 or 128.
 */
export function prpsinfoDesc(p: PrpsinfoSpec, bits: Bits, endian: Endian): Uint8Array {
  const idBytes = bits === 64 ? 4 : (p.idBytes ?? 2);
  const idsAt = bits === 64 ? 16 : 8;
  const pidAt = idsAt + 2 * idBytes;
  const fnameAt = pidAt + 16;
  const w = new ByteWriter(fnameAt + 16 + 80, endian, bits);
  w.u8(0, 1).u8(1, (p.sname ?? 'R').charCodeAt(0));
  if (idBytes === 2) w.u16(idsAt, p.uid ?? 0).u16(idsAt + 2, p.gid ?? 0);
  else w.u32(idsAt, p.uid ?? 0).u32(idsAt + 4, p.gid ?? 0);
  w.u32(pidAt, p.pid)
    .u32(pidAt + 4, p.ppid ?? 1)
    .u32(pidAt + 8, p.pgrp ?? p.pid)
    .u32(pidAt + 12, p.sid ?? p.pid);
  w.put(fnameAt, (p.fname ?? '').slice(0, 16));
  w.put(fnameAt + 16, (p.psargs ?? '').slice(0, 80));
  return w.bytes;
}

/** NT_AUXV: (type, value) word pairs, closed by AT_NULL. */
export function auxvDesc(entries: readonly (readonly [number, Num])[], bits: Bits, endian: Endian): Uint8Array {
  const ws = bits === 64 ? 8 : 4;
  const w = new ByteWriter((entries.length + 1) * 2 * ws, endian, bits);
  entries.forEach(([type, value], i) => w.word(i * 2 * ws, type).word(i * 2 * ws + ws, value));
  return w.bytes;
}

export interface SiginfoSpec {
  readonly signo: number;
  readonly errno?: number;
  readonly code?: number;
  /** si_addr: at 16 in ELF64 (after a 4-int preamble), at 12 in ELF32. */
  readonly addr?: bigint;
  /** Default 128 (sizeof(siginfo_t)). */
  readonly descSize?: number;
}

/** NT_SIGINFO: a kernel siginfo_t — signo, errno, code (generic order; not elf_siginfo's). */
export function siginfoDesc(s: SiginfoSpec, bits: Bits, endian: Endian): Uint8Array {
  const w = new ByteWriter(128, endian, bits);
  w.u32(0, s.signo)
    .u32(4, s.errno ?? 0)
    .u32(8, s.code ?? 0);
  if (s.addr !== undefined) w.word(bits === 64 ? 16 : 12, s.addr);
  return w.bytes.slice(0, s.descSize ?? 128);
}

export interface FileEntry {
  readonly start: bigint;
  readonly end: bigint;
  /** Offset in the mapped file, in BYTES (written as pages, as the kernel does). */
  readonly offset?: Num;
  readonly path: string;
}

export interface FileNoteOptions {
  readonly pageSize?: Num;
  /** Override the count word (an absurd or short count). */
  readonly count?: Num;
  /** Replace the names blob (short or unterminated names). */
  readonly rawNames?: Uint8Array;
}

/** NT_FILE: count, page_size, count × (start, end, offset in pages), then the NUL-terminated names. */
export function fileDesc(entries: readonly FileEntry[], o: FileNoteOptions, bits: Bits, endian: Endian): Uint8Array {
  const ws = bits === 64 ? 8 : 4;
  const page = BigInt(o.pageSize ?? 4096);
  const names = o.rawNames ?? new TextEncoder().encode(entries.map((e) => `${e.path}\0`).join(''));
  const w = new ByteWriter(2 * ws + entries.length * 3 * ws + names.length, endian, bits);
  w.word(0, o.count ?? entries.length).word(ws, page);
  entries.forEach((e, i) => {
    const at = 2 * ws + i * 3 * ws;
    const offset = BigInt(e.offset ?? 0);
    if (page !== 0n && offset % page !== 0n)
      throw new Error(`NT_FILE offset ${offset} is not a multiple of the page size`);
    w.word(at, e.start)
      .word(at + ws, e.end)
      .word(at + 2 * ws, page === 0n ? 0n : offset / page);
  });
  w.put(2 * ws + entries.length * 3 * ws, names);
  return w.bytes;
}
