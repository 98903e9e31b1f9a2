import type { BinaryView } from '../elf/binary-view';

/** One register as the dump recorded it, its value as the `0x…` text every consumer shows (no BigInt to make). */
export interface Register {
  readonly name: string;
  /** Lower-case `0x…` hex without leading zeros (the JSON document's address format). */
  readonly hex: string;
  readonly size: number;
}

/** Where one register sits in an architecture's `pr_reg` (notes/arch/ holds the layouts). */
export interface RegisterSlot {
  readonly name: string;
  /** Offset inside pr_reg. */
  readonly offset: number;
  readonly size: number;
}

/**
 * A thread's general registers as the dump recorded them, decoded when first asked for. An 800-thread core holds
 * ~21,600 registers; decoding them all during the header pass (an object and a string each, alive to the end)
 * was a large share of `coreview --json`'s time, most of it in the garbage collector, while the page shows one
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
    private readonly slots: readonly RegisterSlot[],
  ) {}

  get count(): number {
    return this.view === undefined ? 0 : this.slots.length;
  }

  list(): readonly Register[] {
    if (this.decoded === undefined) {
      const view = this.view;
      this.decoded =
        view === undefined ? [] : this.slots.map((p) => ({ name: p.name, hex: this.hex(view, p), size: p.size }));
    }
    return this.decoded;
  }

  /** The named register's value, for the two the engine computes with (pc and sp). */
  value(name: string): bigint | undefined {
    if (this.view === undefined) return undefined;
    for (let i = 0; i < this.slots.length; i++) {
      const p = this.slots[i];
      if (p !== undefined && p.name === name) return this.view.uint(this.base + p.offset, p.size);
    }
    return undefined;
  }

  /**
   * The JSON document's form, `{ "rip": "0x…", … }`, built straight from the bytes. (A `toJSON` method, called
   * by JSON.stringify as it writes, was slower: class instances in the tree take V8's slow stringify path.)
   */
  byName(): Record<string, string> {
    const out: Record<string, string> = {};
    const view = this.view;
    if (view !== undefined) for (const p of this.slots) out[p.name] = this.hex(view, p);
    return out;
  }

  private hex(view: BinaryView, slot: RegisterSlot): string {
    return view.uintHex(this.base + slot.offset, slot.size);
  }
}
