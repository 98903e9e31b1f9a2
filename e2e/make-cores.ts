/**
 * Test dumps made at test time in os.tmpdir() (never committed):
 * - xssCore: a copy of a core with NT_FILE (a real dump made at test time) whose NT_FILE names one mapping
 *   `<img src=x onerror=alert(1)>`.
 * - bigSparseCore: an x86_64 kernel-style core larger than 4 GiB (sparse: takes no disk) with 100,000 regions
 *   (PN_XNUM numbering), a stack and a mapped image whose bytes sit past the 4 GiB file offset.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const XSS_NAME = '<img src=x onerror=alert(1)>';
const NT_FILE = 0x46494c45;
export const PT_LOAD = 1;
export const PT_NOTE = 4;

const align4 = (n: number) => (n + 3) & ~3;

/** Patches one NT_FILE name of a little-endian ELF64 core to XSS_NAME; later names shift left, NULs pad the end. */
export function xssCore(source: string): string {
  const bytes = new Uint8Array(readFileSync(source));
  const view = new DataView(bytes.buffer);
  const phoff = Number(view.getBigUint64(32, true));
  const phnum = view.getUint16(56, true);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * 56;
    if (view.getUint32(ph, true) !== PT_NOTE) continue;
    const start = Number(view.getBigUint64(ph + 8, true));
    const end = start + Number(view.getBigUint64(ph + 32, true));
    for (let at = start; at + 12 <= end;) {
      const namesz = view.getUint32(at, true);
      const descsz = view.getUint32(at + 4, true);
      const type = view.getUint32(at + 8, true);
      const desc = at + 12 + align4(namesz);
      if (type === NT_FILE) {
        patchNames(bytes, view, desc, descsz);
        const out = join(tmpdir(), `coreview-xss-${process.pid}-${Date.now()}.core`);
        writeFileSync(out, bytes);
        return out;
      }
      at = desc + align4(descsz);
    }
  }
  throw new Error(`${source} has no NT_FILE note`);
}

function patchNames(bytes: Uint8Array, view: DataView, desc: number, descsz: number): void {
  const count = Number(view.getBigUint64(desc, true));
  const namesAt = desc + 16 + count * 24;
  const namesEnd = desc + descsz;
  const names = new TextDecoder().decode(bytes.subarray(namesAt, namesEnd)).split('\0').slice(0, count);
  const victim = names.findIndex((n) => n.length >= XSS_NAME.length);
  if (victim < 0) throw new Error('no NT_FILE name long enough to replace');
  names[victim] = XSS_NAME;
  const block = new TextEncoder().encode(names.map((n) => `${n}\0`).join(''));
  bytes.fill(0, namesAt, namesEnd);
  bytes.set(block, namesAt);
}

/** Little-endian byte writer for building a core. */
export class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u16(at: number, v: number): void {
    this.view.setUint16(at, v, true);
  }
  u32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }
  u64(at: number, v: bigint | number): void {
    this.view.setBigUint64(at, BigInt(v), true);
  }
  text(at: number, s: string): void {
    this.bytes.set(new TextEncoder().encode(s), at);
  }
  /** An ELF64 program header at `at` (alignment: a page for PT_LOAD, 4 for notes). */
  phdr64(at: number, type: number, flags: number, offset: number, vaddr: bigint, filesz: number, memsz: number): void {
    this.u32(at, type);
    this.u32(at + 4, flags);
    this.u64(at + 8, offset);
    this.u64(at + 16, vaddr);
    this.u64(at + 32, filesz);
    this.u64(at + 40, memsz);
    this.u64(at + 48, type === PT_LOAD ? 4096 : 4);
  }
}

export function note(name: string, type: number, desc: Uint8Array): Uint8Array {
  const n = new TextEncoder().encode(`${name}\0`);
  const out = new Writer(12 + align4(n.length) + align4(desc.length));
  out.u32(0, n.length);
  out.u32(4, desc.length);
  out.u32(8, type);
  out.bytes.set(n, 12);
  out.bytes.set(desc, 12 + align4(n.length));
  return out.bytes;
}

/**
 * The head of an x86_64 ELF64 core: the ELF header, `phnum` program headers (PN_XNUM, with the count in section
 * header 0's sh_info, from 0xffff on) and the notes right after them. Returns the bytes to write at offset 0 and
 * `phdr(i, …)`, which writes program header i; header 0 is the notes' PT_NOTE, already written.
 */
export function coreHead64(
  phnum: number,
  notes: readonly Uint8Array[],
): {
  head: Writer;
  phdr: (i: number, type: number, flags: number, offset: number, vaddr: bigint, filesz: number, memsz: number) => void;
} {
  const notesLength = notes.reduce((a, n) => a + n.length, 0);
  const xnum = phnum >= 0xffff;
  const phoff = 64;
  const shoff = phoff + phnum * 56;
  const notesAt = xnum ? shoff + 64 : shoff;
  const head = new Writer(notesAt + notesLength);
  head.bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  head.u16(16, 4); // ET_CORE
  head.u16(18, 62); // EM_X86_64
  head.u32(20, 1);
  head.u64(32, phoff);
  head.u16(52, 64);
  head.u16(54, 56);
  if (xnum) {
    head.u64(40, shoff);
    head.u16(56, 0xffff); // PN_XNUM: the real count is sh_info of section header 0
    head.u16(58, 64);
    head.u16(60, 1);
    head.u32(shoff + 44, phnum); // sh_info
  } else {
    head.u16(56, phnum);
  }
  const phdr = (i: number, type: number, flags: number, offset: number, vaddr: bigint, filesz: number, memsz: number) =>
    head.phdr64(phoff + i * 56, type, flags, offset, vaddr, filesz, memsz);
  phdr(0, PT_NOTE, 0, notesAt, 0n, notesLength, 0);
  let at = notesAt;
  for (const n of notes) {
    head.bytes.set(n, at);
    at += n.length;
  }
  return { head, phdr };
}

export interface BigCore {
  readonly path: string;
  readonly stackStart: bigint;
  readonly imageStart: bigint;
  readonly imagePath: string;
  readonly buildId: string;
  readonly tid: number;
}

export const GiB = 1024 ** 3;

/**
 * A > 4 GiB core: PN_XNUM with `fillers` no-access PT_LOADs (p_filesz 0: "not in dump"), then an image and a
 * stack whose bytes live at file offsets past 4 GiB. The file is ftruncated to its size: sparse on disk.
 */
export function bigSparseCore(fillers = 99_998): BigCore {
  const tid = 4242;
  const imageStart = 0x1_2345_6000n; // above 4 GiB as an address too
  const stackStart = 0x7ffd_0000_0000n;
  const imageOffset = 4.5 * GiB;
  const stackOffset = 5 * GiB;
  const stackSize = 0x21000;
  const size = stackOffset + stackSize;
  const imagePath = '/opt/big/libbeyond4g.so';
  const buildId = '4b1d0000feedc0de00112233445566778899aabb';

  const prstatus = new Writer(336);
  prstatus.u16(12, 11); // pr_cursig SIGSEGV
  prstatus.u32(32, tid); // pr_pid
  prstatus.u64(112 + 128, imageStart + 0x100n); // rip
  prstatus.u64(112 + 152, stackStart + BigInt(stackSize) - 0x800n); // rsp
  const prpsinfo = new Writer(136);
  prpsinfo.u32(24, tid);
  prpsinfo.text(40, 'bigsparse');
  prpsinfo.text(56, 'bigsparse --over 4GiB');
  const file = new Writer(16 + 24 + imagePath.length + 1);
  file.u64(0, 1);
  file.u64(8, 4096);
  file.u64(16, imageStart);
  file.u64(24, imageStart + 0x1000n);
  file.u64(32, 0);
  file.text(40, imagePath);
  const notes = [note('CORE', 1, prstatus.bytes), note('CORE', 3, prpsinfo.bytes), note('CORE', NT_FILE, file.bytes)];

  const { head, phdr } = coreHead64(1 + fillers + 2, notes);
  for (let i = 0; i < fillers; i++)
    phdr(
      1 + i,
      PT_LOAD,
      i % 3 === 0 ? 0 : i % 3 === 1 ? 4 : 6,
      0,
      0x2_0000_0000n + BigInt(i) * 0x10000n,
      0,
      0x1000 * (1 + (i % 7)),
    );
  phdr(1 + fillers, PT_LOAD, 5, imageOffset, imageStart, 0x1000, 0x1000);
  phdr(2 + fillers, PT_LOAD, 6, stackOffset, stackStart, stackSize, stackSize);

  // The image's first page: an ELF header with one PT_NOTE holding a GNU build-id, read back from past 4 GiB.
  const image = new Writer(0x200);
  image.bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  image.u16(16, 3); // ET_DYN
  image.u16(18, 62);
  image.u64(32, 64);
  image.u16(54, 56);
  image.u16(56, 1);
  image.u32(64, PT_NOTE);
  image.u64(64 + 16, 0x100);
  image.u64(64 + 32, 36);
  image.u64(64 + 40, 36);
  const id = Uint8Array.from(buildId.match(/../g) ?? [], (h) => parseInt(h, 16));
  image.bytes.set(note('GNU', 3, id), 0x100);

  const path = join(tmpdir(), `coreview-big-${process.pid}-${Date.now()}.core`);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head.bytes, 0, head.bytes.length, 0);
    writeSync(fd, image.bytes, 0, image.bytes.length, imageOffset);
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
  return { path, stackStart, imageStart, imagePath, buildId, tid };
}
