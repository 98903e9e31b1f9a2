/**
 * A module's unwind tables for the unwinder: .eh_frame_hdr and .eh_frame from its matched file, .debug_frame from
 * its debug file (or the file itself when not stripped) — else what the dump holds of them, found through the
 * PT_GNU_EH_FRAME program header of the module's image in memory. The kernel dumps only an image's first page, so
 * without files this is mostly empty, and the unwinder falls back to frame pointers and scanning.
 */
import type { MemoryReader } from '../memory/memory-reader';
import { imagePhdrsAt, type CoreShape } from '../model/modules';
import type { UnwindModule, UnwindSection } from '../unwind/unwind-space';
import type { ModuleFiles } from './module-files';

const PT_GNU_EH_FRAME = 0x6474e550;
/** .eh_frame read from a dump at most (libxul's is ~10 MiB; the unwinder looks FDEs up through the header's table). */
const EH_FRAME_FROM_DUMP = 16 * 1024 * 1024;

export async function loadUnwindModule(
  binding: ModuleFiles,
  memory: MemoryReader,
  core: CoreShape,
  headerAddress: bigint | undefined,
): Promise<UnwindModule> {
  const { module, bias } = binding;
  const base = { path: module.path, start: module.start, end: module.end, bias };
  const image = binding.image?.image;
  const debug = binding.debug?.image;
  const ehFrameHdr = await image?.readSection('.eh_frame_hdr');
  const ehFrame = await image?.readSection('.eh_frame');
  const debugFrame = (await debug?.readSection('.debug_frame')) ?? (await image?.readSection('.debug_frame'));
  if (ehFrameHdr !== undefined || ehFrame !== undefined || debugFrame !== undefined) {
    return {
      ...base,
      ...(ehFrameHdr ? { ehFrameHdr } : {}),
      ...(ehFrame ? { ehFrame } : {}),
      ...(debugFrame ? { debugFrame } : {}),
    };
  }
  if (headerAddress === undefined) return base;
  const fromDump = await ehFrameFromDump(memory, core, headerAddress, bias);
  return fromDump === undefined ? base : { ...base, ...fromDump };
}

async function ehFrameFromDump(
  memory: MemoryReader,
  core: CoreShape,
  headerAddress: bigint,
  bias: bigint,
): Promise<{ ehFrameHdr: UnwindSection; ehFrame: UnwindSection } | undefined> {
  const phdrs = await imagePhdrsAt(memory, headerAddress, core);
  const hdr = phdrs?.find((p) => p.type === PT_GNU_EH_FRAME);
  if (hdr === undefined || hdr.memsz > 1n << 26n) return undefined;
  const hdrBytes = await memory.readAvailable(bias + hdr.vaddr, Number(hdr.memsz));
  if (hdrBytes === undefined || hdrBytes.length < Number(hdr.memsz) || hdrBytes.length < 8) return undefined;
  const ehFrameAddress = ehFramePointer(hdrBytes, bias + hdr.vaddr, core.endian === 'little');
  if (ehFrameAddress === undefined) return undefined;
  // .eh_frame's size is not recorded anywhere the dump keeps; its terminator (a zero length) ends it, so read
  // what is contiguous in the dump.
  const ehFrame = await memory.readAvailable(ehFrameAddress, EH_FRAME_FROM_DUMP);
  if (ehFrame === undefined) return undefined;
  return {
    ehFrameHdr: { vaddr: hdr.vaddr, bytes: hdrBytes },
    ehFrame: { vaddr: ehFrameAddress - bias, bytes: ehFrame },
  };
}

/** The header's eh_frame_ptr (its encodings in practice: pcrel|sdata4, udata4, sdata8/udata8 absolute). */
function ehFramePointer(hdr: Uint8Array, address: bigint, little: boolean): bigint | undefined {
  const view = new DataView(hdr.buffer, hdr.byteOffset, hdr.byteLength);
  if (hdr[0] !== 1) return undefined;
  const encoding = hdr[1] ?? 0xff;
  const format = encoding & 0x0f;
  const application = encoding & 0x70;
  let value: bigint;
  if (format === 0x0b) value = BigInt(view.getInt32(4, little));
  else if (format === 0x03) value = BigInt(view.getUint32(4, little));
  else if ((format === 0x04 || format === 0x0c) && hdr.length >= 12) value = view.getBigUint64(4, little);
  else return undefined;
  if (application === 0x10) return address + 4n + value;
  return application === 0 ? value : undefined;
}
