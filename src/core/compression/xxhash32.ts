/**
 * Streaming XXH32, the checksum of the LZ4 frame format (header, blocks and whole content): the lz4 tool writes a
 * content checksum by default, and checking it is what tells a corrupt `.lz4` core from a good one.
 */
const P1 = 2654435761;
const P2 = 2246822519;
const P3 = 3266489917;
const P4 = 668265263;
const P5 = 374761393;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
const round = (acc: number, lane: number) => Math.imul(rotl((acc + Math.imul(lane, P2)) | 0, 13), P1);
const u32 = (b: Uint8Array, i: number) =>
  ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24)) >>> 0;

export class Xxh32 {
  private v1: number;
  private v2: number;
  private v3: number;
  private v4: number;
  private total = 0;
  /** Up to 15 bytes not yet part of a 16-byte stripe. */
  private readonly tail = new Uint8Array(16);
  private tailLength = 0;

  constructor(private readonly seed = 0) {
    this.v1 = (seed + P1 + P2) | 0;
    this.v2 = (seed + P2) | 0;
    this.v3 = seed | 0;
    this.v4 = (seed - P1) | 0;
  }

  update(bytes: Uint8Array): this {
    this.total += bytes.length;
    let i = 0;
    if (this.tailLength > 0) {
      const take = Math.min(16 - this.tailLength, bytes.length);
      this.tail.set(bytes.subarray(0, take), this.tailLength);
      this.tailLength += take;
      i = take;
      if (this.tailLength < 16) return this;
      this.stripe(this.tail, 0);
      this.tailLength = 0;
    }
    const end = bytes.length - 16;
    let v1 = this.v1;
    let v2 = this.v2;
    let v3 = this.v3;
    let v4 = this.v4;
    for (; i <= end; i += 16) {
      v1 = round(v1, u32(bytes, i));
      v2 = round(v2, u32(bytes, i + 4));
      v3 = round(v3, u32(bytes, i + 8));
      v4 = round(v4, u32(bytes, i + 12));
    }
    this.v1 = v1;
    this.v2 = v2;
    this.v3 = v3;
    this.v4 = v4;
    if (i < bytes.length) {
      this.tail.set(bytes.subarray(i), 0);
      this.tailLength = bytes.length - i;
    }
    return this;
  }

  digest(): number {
    let h =
      this.total >= 16
        ? (rotl(this.v1, 1) + rotl(this.v2, 7) + rotl(this.v3, 12) + rotl(this.v4, 18)) | 0
        : (this.seed + P5) | 0;
    h = (h + this.total) | 0;
    let i = 0;
    for (; i + 4 <= this.tailLength; i += 4) {
      h = Math.imul(rotl((h + Math.imul(u32(this.tail, i), P3)) | 0, 17), P4);
    }
    for (; i < this.tailLength; i++) h = Math.imul(rotl((h + Math.imul(this.tail[i] ?? 0, P5)) | 0, 11), P1);
    h ^= h >>> 15;
    h = Math.imul(h, P2);
    h ^= h >>> 13;
    h = Math.imul(h, P3);
    h ^= h >>> 16;
    return h >>> 0;
  }

  private stripe(b: Uint8Array, i: number): void {
    this.v1 = round(this.v1, u32(b, i));
    this.v2 = round(this.v2, u32(b, i + 4));
    this.v3 = round(this.v3, u32(b, i + 8));
    this.v4 = round(this.v4, u32(b, i + 12));
  }
}

export function xxh32(bytes: Uint8Array, seed = 0): number {
  return new Xxh32(seed).update(bytes).digest();
}
