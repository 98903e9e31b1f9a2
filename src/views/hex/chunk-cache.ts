/**
 * The page's side of the hex view's memory: chunks already fetched, least recently used dropped first. The worker
 * keeps its own PageCache of 64 KiB pages (so a chunk asked for again costs no read); this one only saves the
 * round trip while scrolling back and forth. Map iteration order is insertion order: the first key is the oldest.
 */
export class ChunkCache<T> {
  private readonly map = new Map<bigint, T>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`chunk cache capacity ${capacity}`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: bigint): T | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  /** Without marking the entry used (rendering must not reorder what scrolling decides). */
  peek(key: bigint): T | undefined {
    return this.map.get(key);
  }

  set(key: bigint, value: T): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done === true) break;
      this.map.delete(oldest.value);
    }
  }

  clear(): void {
    this.map.clear();
  }
}
