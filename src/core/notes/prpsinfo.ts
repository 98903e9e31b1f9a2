import { BinaryView } from '../elf/binary-view';

export interface Prpsinfo {
  readonly state: number;
  readonly sname: string;
  readonly uid: number;
  readonly gid: number;
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly sid: number;
  readonly fname: string;
  readonly psargs: string;
}

const FNAME = 16;
const PSARGS = 80;

/**
 * NT_PRPSINFO (struct elf_prpsinfo). The struct ends with pr_fname[16] and pr_psargs[80] on every ABI, preceded by
 * pr_pid, pr_ppid, pr_pgrp, pr_sid (4 bytes each) and by pr_uid/pr_gid, whose width differs per ABI: 16-bit on
 * i386, arm, m68k, s390 (31-bit), 32-bit elsewhere. Rather than a table per ABI, the layout is anchored at the end
 * and the id width is derived from the space left after pr_flag (a word after four chars, aligned).
 */
export function parsePrpsinfo(desc: Uint8Array, v: BinaryView): Prpsinfo | undefined {
  const flagEnd = v.bits === 64 ? 16 : 8;
  const fnameAt = desc.length - FNAME - PSARGS;
  const pidAt = fnameAt - 16;
  const idBytes = (pidAt - flagEnd) / 2;
  if (pidAt < flagEnd || (idBytes !== 2 && idBytes !== 4)) return undefined;
  const view = new BinaryView(desc, v.endian, v.bits);
  const id = (at: number) => (idBytes === 2 ? view.u16(at) : view.u32(at));
  return {
    state: view.u8(0),
    sname: String.fromCharCode(view.u8(1)),
    uid: id(flagEnd),
    gid: id(flagEnd + idBytes),
    pid: view.u32(pidAt),
    ppid: view.u32(pidAt + 4),
    pgrp: view.u32(pidAt + 8),
    sid: view.u32(pidAt + 12),
    fname: view.cstring(fnameAt, FNAME),
    // psargs: the kernel replaces NULs between arguments with spaces and may leave a trailing space.
    psargs: view.cstring(fnameAt + FNAME, PSARGS).trimEnd(),
  };
}
