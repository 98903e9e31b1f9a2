/**
 * Test dumps for the memory-scan specs, made at test time in os.tmpdir() (never committed):
 * - plantedCore: a copy of a core (a real dump made at test time) with byte strings written into its dumped memory
 *   (search targets).
 * - bigCensusCore: a sparse core with one GiB-sized region, so a census or a search takes seconds (progress,
 *   cancel, a worker crashing mid-scan, hits streaming in).
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreHead64, GiB, note, PT_LOAD, Writer } from './make-cores';

/** The PT_LOADs of a little-endian ELF64 core: where each one's bytes are in the file and in memory. */
function loads(
  bytes: Uint8Array,
): { offset: number; vaddr: bigint; filesz: number; memsz: number; writable: boolean }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = Number(view.getBigUint64(32, true));
  const phnum = view.getUint16(56, true);
  const out = [];
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * 56;
    if (view.getUint32(ph, true) !== PT_LOAD) continue;
    out.push({
      offset: Number(view.getBigUint64(ph + 8, true)),
      vaddr: view.getBigUint64(ph + 16, true),
      filesz: Number(view.getBigUint64(ph + 32, true)),
      memsz: Number(view.getBigUint64(ph + 40, true)),
      writable: (view.getUint32(ph + 4, true) & 2) !== 0, // PF_W
    });
  }
  return out;
}

export interface Planted {
  readonly path: string;
  /** Where each planted byte string landed in the process's memory. */
  readonly addresses: readonly bigint[];
}

/**
 * A copy of a little-endian ELF64 core with byte strings written into dumped memory: plant i goes 0x123 + i × 0x40
 * bytes into the first writable PT_LOAD that has at least a page in the file (so a search must find it there; data,
 * not an image's headers, which the analysis reads), else into the first PT_LOAD with a page in the file.
 */
export function plantedCore(source: string, plants: readonly Uint8Array[]): Planted {
  const bytes = new Uint8Array(readFileSync(source));
  const withPage = loads(bytes).filter((l) => l.filesz >= 4096);
  const load = withPage.find((l) => l.writable) ?? withPage[0];
  if (load === undefined) throw new Error(`${source} has no PT_LOAD with a page in the file`);
  const addresses = plants.map((plant, i) => {
    const at = 0x123 + i * 0x40;
    bytes.set(plant, load.offset + at);
    return load.vaddr + BigInt(at);
  });
  const out = join(tmpdir(), `coreview-planted-${process.pid}-${Date.now()}.core`);
  writeFileSync(out, bytes);
  return { path: out, addresses };
}

export interface BigCensusCore {
  readonly path: string;
}

/**
 * A core whose census takes seconds: one thread and one read-write region of `size` bytes, all in the file (sparse:
 * zeros cost no disk, but the browser still reads every byte), with two needles planted in it and a few non-zero
 * pages. Long enough to watch progress, cancel a census and crash a worker in the middle of one.
 */
export function bigCensusCore(size = GiB): BigCensusCore {
  const tid = 5151;
  const regionStart = 0x7e00_0000_0000n;
  const dataOffset = 0x10000;
  const prstatus = new Writer(336);
  prstatus.u16(12, 6); // pr_cursig SIGABRT
  prstatus.u32(32, tid);
  prstatus.u64(112 + 128, 0x401000n); // rip
  prstatus.u64(112 + 152, regionStart + BigInt(size) - 0x1000n); // rsp: near the top, so the region is a stack
  const prpsinfo = new Writer(136);
  prpsinfo.u32(24, tid);
  prpsinfo.text(40, 'bigcensus');
  const notes = [note('CORE', 1, prstatus.bytes), note('CORE', 3, prpsinfo.bytes)];
  const { head, phdr } = coreHead64(2, notes);
  phdr(1, PT_LOAD, 6, dataOffset, regionStart, size, size);
  const firstNeedle = { text: 'coreview-first-needle', offset: 0x2345 };
  const lastNeedle = { text: 'coreview-last-needle', offset: size - 0x3000 + 0x77 };
  const path = join(tmpdir(), `coreview-bigcensus-${process.pid}-${Date.now()}.core`);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head.bytes, 0, head.bytes.length, 0);
    for (const n of [firstNeedle, lastNeedle]) {
      const b = new TextEncoder().encode(n.text);
      writeSync(fd, b, 0, b.length, dataOffset + n.offset);
    }
    // A touched page every 64 MiB, so the census has something to count all along.
    for (let off = 0x100000; off < size; off += 64 * 1024 * 1024)
      writeSync(fd, Uint8Array.of(1, 2, 3, 4), 0, 4, dataOffset + off);
    ftruncateSync(fd, dataOffset + size);
  } finally {
    closeSync(fd);
  }
  return { path };
}
