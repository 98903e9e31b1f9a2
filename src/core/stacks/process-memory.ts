/**
 * The process's memory as the stacks pass reads it: the dump's bytes first, then — for file-backed ranges the dump
 * does not hold (code, read-only data; the kernel dumps only an image's first page) — the bytes of the module's
 * file when one was matched by build-id. Reads go through fixed-size pages cached per pass: a walk reads one stack
 * word at a time, and 800 threads' walks touch a few pages each.
 */
import type { MemoryReader, PresentRange } from '../memory/memory-reader';
import { ADDRESS_LIMIT } from '../memory/memory-reader';
import { firstEndingAfter } from '../memory/region-lookup';

/** A cached page: its bytes and which of them the dump holds (absent ones are 0 in `bytes`). */
interface Page {
  readonly bytes: Uint8Array;
  readonly ranges: readonly PresentRange[];
  /** Regions of the page past `ranges` hold dumped bytes that were not read with it. */
  readonly partial?: boolean;
}

/** Where a file-backed address's bytes are, when the dump lacks them (module-files.ts). */
export type FileBytes = (address: bigint, length: number) => Promise<Uint8Array | undefined>;

/**
 * 16 KiB by default: a thread's used stack is a few pages at most, and reads in the page cost a round trip each.
 * The CLI reads with system calls that cost little each, where the bytes a page brings in cost more (fresh memory
 * the walk mostly never looks at): it asks for 4 KiB pages.
 */
export const DEFAULT_PAGE_SIZE = 16 * 1024;
/** 64 MiB of pages at most. */
const CAPACITY_BYTES = 64 << 20;

export class ProcessMemory {
  private readonly pages = new Map<bigint, Promise<Page>>();
  /** The pages whose read has finished: a word in one of them is answered without waiting on its promise. */
  private readonly loaded = new Map<bigint, Page>();
  private readonly pageSize: number;
  private readonly pageSizeBig: bigint;
  private readonly capacity: number;

  constructor(
    private readonly dump: MemoryReader,
    private readonly fileBytes: FileBytes = () => Promise.resolve(undefined),
    pageSize: number = DEFAULT_PAGE_SIZE,
  ) {
    // A power of two between 4 KiB and 1 MiB: pages are aligned to their size.
    const valid = Number.isInteger(Math.log2(pageSize)) && pageSize >= 4096 && pageSize <= 1 << 20;
    this.pageSize = valid ? pageSize : DEFAULT_PAGE_SIZE;
    this.pageSizeBig = BigInt(this.pageSize);
    this.capacity = CAPACITY_BYTES / this.pageSize;
  }

  /** All `length` bytes at `address`, or undefined when any of them is in neither the dump nor a matched file. */
  read(address: bigint, length: number): Promise<Uint8Array | undefined> {
    if (length <= 0 || address < 0n || address + BigInt(length) > ADDRESS_LIMIT) return Promise.resolve(undefined);
    // The common case, a word of a page already read: no promise chain, the walk's reads are mostly these.
    const first = address - (address % this.pageSizeBig);
    const inPage = Number(address - first);
    const page = inPage + length <= this.pageSize ? this.loaded.get(first) : undefined;
    if (page !== undefined && allPresent(page, inPage, length)) {
      return Promise.resolve(page.bytes.subarray(inPage, inPage + length));
    }
    return this.readSlow(address, length);
  }

  private async readSlow(address: bigint, length: number): Promise<Uint8Array | undefined> {
    const fromDump = await this.fromDump(address, length);
    return fromDump ?? this.fileBytes(address, length);
  }

  private async fromDump(address: bigint, length: number): Promise<Uint8Array | undefined> {
    const size = this.pageSize;
    const sizeBig = this.pageSizeBig;
    const first = address - (address % sizeBig);
    const inPage = Number(address - first);
    if (inPage + length <= size) {
      // The common case, one word: a view of the cached page, no copy.
      const page = await this.page(first);
      if (allPresent(page, inPage, length)) return page.bytes.subarray(inPage, inPage + length);
      return page.partial ? this.exactly(address, length) : undefined;
    }
    const out = new Uint8Array(length);
    for (let done = 0; done < length;) {
      const at = address + BigInt(done);
      const pageStart = at - (at % sizeBig);
      const offset = Number(at - pageStart);
      const n = Math.min(size - offset, length - done);
      const page = await this.page(pageStart);
      const bytes = allPresent(page, offset, n)
        ? page.bytes.subarray(offset, offset + n)
        : page.partial
          ? await this.exactly(at, n)
          : undefined;
      if (bytes === undefined) return undefined;
      out.set(bytes, done);
      done += n;
    }
    return out;
  }

  private page(start: bigint): Promise<Page> {
    let page = this.pages.get(start);
    if (page === undefined) {
      if (this.pages.size >= this.capacity) {
        const oldest = this.pages.keys().next();
        if (oldest.done !== true) {
          this.pages.delete(oldest.value);
          this.loaded.delete(oldest.value);
        }
      }
      const length = start + this.pageSizeBig > ADDRESS_LIMIT ? Number(ADDRESS_LIMIT - start) : this.pageSize;
      const loading = this.loadPage(start, length);
      page = loading;
      this.pages.set(start, loading);
      void loading.then(
        (p) => {
          // Still the cached promise (not evicted meanwhile): its page answers later reads directly.
          if (this.pages.get(start) === loading) this.loaded.set(start, p);
        },
        () => undefined,
      );
    }
    return page;
  }

  /**
   * One file read when the whole page is in the dump (a stack's pages nearly always are): the reader's buffer as it
   * is, no mask to build. Else the masked read.
   */
  private async loadPage(start: bigint, length: number): Promise<Page> {
    const whole = await this.dump.readAvailable(start, length);
    if (whole?.length === length) return { bytes: whole, ranges: [{ offset: 0, length }] };
    // A page that runs past the end of the dumped bytes — the top page of a stack, below the next mapping: when
    // nothing else in the page is in the dump, what was read is the page (no second read, no mask to build).
    const got = whole?.length ?? 0;
    // What else of the page is in the dump (the bottom of the next thread's stack, past a guard page) is read only
    // when asked for (`partial`): the walks nearly never read past their own stack's top.
    const partial = this.dumpedBetween(start + BigInt(got), start + BigInt(length));
    return { bytes: whole ?? new Uint8Array(0), ranges: got > 0 ? [{ offset: 0, length: got }] : [], partial };
  }

  /** The bytes of a partial page's other regions, read as asked (uncached: rare). */
  private async exactly(address: bigint, length: number): Promise<Uint8Array | undefined> {
    const read = await this.dump.read(address, length);
    const whole = read.ranges.length === 1 && read.ranges[0]?.offset === 0 && read.ranges[0].length === length;
    return whole ? read.bytes : undefined;
  }

  /** Whether any region in [from, to) has bytes in the dump (every region there is looked at, not the first alone). */
  private dumpedBetween(from: bigint, to: bigint): boolean {
    const regions = this.dump.regions;
    for (let i = firstEndingAfter(regions, from); i < regions.length; i++) {
      const r = regions[i];
      if (r === undefined || r.start >= to) return false;
      if (r.inDump > 0 && r.start + BigInt(r.inDump) > from) return true;
    }
    return false;
  }
}

function allPresent(page: Page, offset: number, length: number): boolean {
  if (offset + length > page.bytes.length) return false;
  for (const r of page.ranges) {
    if (r.offset <= offset && r.offset + r.length >= offset + length) return true;
  }
  return false;
}
