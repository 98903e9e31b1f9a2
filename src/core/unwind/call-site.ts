/**
 * Is there a call instruction just before this address? The stack scan's test for "a return address", from the
 * code bytes that precede it:
 *   x86 (both widths)  E8 rel32 five bytes back, or FF /2 (call r/m) whose ModRM, SIB and displacement end exactly
 *                      at the address: 2 to 7 bytes back (a REX prefix before FF changes nothing counted here).
 *   aarch64            the previous instruction is BL, BLR or one of the pointer-authenticating BLRAA/BLRAB forms.
 * And, for a direct call, where it went (the link-register step checks that the callee can hold frame 0's pc).
 */
import type { CallSiteKind } from './unwind-arch';

/** How many code bytes before the address the test reads. */
export function callSiteWindow(kind: CallSiteKind): number {
  return kind === 'x86' ? 7 : 4;
}

/** `before` holds the bytes that end just before the candidate return address (its last byte is at ra − 1). */
export function endsWithCall(kind: CallSiteKind, before: Uint8Array): boolean {
  return kind === 'x86' ? x86Call(before) : aarch64Call(before);
}

/**
 * The target of the direct call that ends just before `returnAddress` (aarch64 BL imm26: ±128 MiB from the BL),
 * undefined for an indirect call, another instruction, or another architecture.
 */
export function directCallTarget(kind: CallSiteKind, before: Uint8Array, returnAddress: bigint): bigint | undefined {
  if (kind !== 'aarch64' || before.length < 4) return undefined;
  const i = a64Instruction(before);
  if ((i & 0xfc000000) >>> 0 !== 0x94000000) return undefined;
  const imm26 = i & 0x03ffffff;
  const offset = imm26 >= 0x02000000 ? imm26 - 0x04000000 : imm26;
  return returnAddress - 4n + BigInt(offset * 4);
}

function x86Call(b: Uint8Array): boolean {
  const n = b.length;
  if (n >= 5 && b[n - 5] === 0xe8) return true;
  for (let k = 2; k <= 7 && k <= n; k++) {
    if (b[n - k] !== 0xff) continue;
    const modrm = b[n - k + 1];
    if (modrm === undefined || ((modrm >> 3) & 7) !== 2) continue;
    const sib = b[n - k + 2];
    if (modRmLength(modrm, sib) === k) return true;
  }
  return false;
}

/** The length of FF + ModRM (+ SIB) (+ displacement), or 0 when the SIB byte is needed but missing. */
function modRmLength(modrm: number, sib: number | undefined): number {
  const mod = modrm >> 6;
  const rm = modrm & 7;
  if (mod === 3) return 2;
  let length = 2;
  if (rm === 4) {
    if (sib === undefined) return 0;
    length += 1;
    if (mod === 0 && (sib & 7) === 5) length += 4;
  } else if (mod === 0 && rm === 5) {
    length += 4; // rip-relative (x86_64) or absolute disp32 (i386)
  }
  if (mod === 1) length += 1;
  if (mod === 2) length += 4;
  return length;
}

/** The last 4 bytes as an A64 instruction: little-endian even in big-endian processes. */
function a64Instruction(b: Uint8Array): number {
  return (
    ((b[b.length - 4] ?? 0) |
      ((b[b.length - 3] ?? 0) << 8) |
      ((b[b.length - 2] ?? 0) << 16) |
      ((b[b.length - 1] ?? 0) << 24)) >>>
    0
  );
}

function aarch64Call(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const i = a64Instruction(b);
  if ((i & 0xfc000000) >>> 0 === 0x94000000) return true; // BL imm26
  if ((i & 0xfffffc1f) >>> 0 === 0xd63f0000) return true; // BLR Xn
  if ((i & 0xfefff800) >>> 0 === 0xd63f0800) return true; // BLRAA, BLRAB, BLRAAZ, BLRABZ
  return false;
}
