import type { BinaryView } from '../elf/binary-view';
import type { Register } from './types';

/** Where one register sits in a register note: byte offset (from the set's base) and size. */
export interface RegisterPlace {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

/**
 * A thread's general registers as the dump recorded them, decoded when first asked for. An 800-thread core holds
 * ~21,600 registers; decoding them all during the header pass (an object and a string each, alive to the end)
 * cost about a sixth of `coreview --json`, most of it in the garbage collector, while the page shows one
 * thread's registers at a time. The set keeps the note's bytes and the layout; `list()` decodes and caches.
 * (It keeps the whole note segment's buffer alive with the analysis: a fraction of what the decoded registers took.)
 */
export class RegisterSet {
  static readonly EMPTY = new RegisterSet(undefined, 0, []);
  private decoded: readonly Register[] | undefined;

  /** `view` holds the note's descriptor; the registers start at `base` in it. */
  constructor(
    private readonly view: BinaryView | undefined,
    private readonly base: number,
    private readonly places: readonly RegisterPlace[],
  ) {}

  get count(): number {
    return this.view === undefined ? 0 : this.places.length;
  }

  list(): readonly Register[] {
    if (this.decoded === undefined) {
      this.decoded = this.view === undefined ? [] : this.places.map((p) => ({ name: p.name, hex: this.hex(p), size: p.size }));
    }
    return this.decoded;
  }

  /** The named register's value, for the two the engine computes with (pc and sp). */
  value(name: string): bigint | undefined {
    if (this.view === undefined) return undefined;
    for (let i = 0; i < this.places.length; i++) {
      const p = this.places[i]!;
      if (p.name === name) return this.view.uint(this.base + p.offset, p.size);
    }
    return undefined;
  }

  /**
   * The JSON document's form, `{ "rip": "0x…", … }`, built straight from the bytes. (A `toJSON` method, called
   * by JSON.stringify as it writes, was slower: class instances in the tree take V8's slow stringify path.)
   */
  byName(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.view !== undefined) for (const p of this.places) out[p.name] = this.hex(p);
    return out;
  }

  private hex(place: RegisterPlace): string {
    return this.view!.uintHex(this.base + place.offset, place.size);
  }
}
