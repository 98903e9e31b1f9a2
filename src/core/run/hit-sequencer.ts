/**
 * A search's hits in plan order — regions in the dump's order, addresses ascending within each: what
 * `coreview --search` prints — whatever order the workers finish their items in, up to a limit that "Show more"
 * raises.
 *
 * Each item is searched with a hit limit (the one current when it was handed out, as the CLI does). An item that
 * returned as many hits as its limit may hold more: when delivery needs more of it, drain() asks for a re-run with
 * a higher limit, and the hits already delivered from it are skipped (an item's hits come in address order, so
 * the re-run's first hits are the same ones).
 */
export interface SequencedItem<H> {
  readonly hits: readonly H[];
  /** The limit the item was searched with. */
  readonly limit: number;
}

export interface Drained<H> {
  readonly hits: H[];
  /** Search this item again with this limit before anything more can be delivered. */
  readonly rerun?: { readonly itemId: number; readonly limit: number };
  /** Every item is delivered (or lost): the search is over. */
  readonly finished: boolean;
}

export class HitSequencer<H> {
  private readonly results = new Map<number, SequencedItem<H> | 'lost'>();
  /** The item being delivered, and how many of its hits are delivered. */
  private item = 0;
  private offset = 0;
  private delivered_ = 0;
  private rerunAsked = false;

  constructor(private readonly itemCount: number) {}

  get delivered(): number {
    return this.delivered_;
  }

  put(itemId: number, result: SequencedItem<H>): void {
    if (itemId < this.item) return;
    if (itemId === this.item) this.rerunAsked = false;
    this.results.set(itemId, result);
  }

  /** The item could not be searched (its worker died): delivery skips it. */
  lose(itemId: number): void {
    if (itemId < this.item) return;
    this.results.set(itemId, 'lost');
  }

  drain(limit: number): Drained<H> {
    const hits: H[] = [];
    while (this.delivered_ < limit && this.item < this.itemCount) {
      const r = this.results.get(this.item);
      if (r === undefined) break;
      if (r !== 'lost') {
        while (this.offset < r.hits.length && this.delivered_ < limit) {
          const hit = r.hits[this.offset++];
          if (hit !== undefined) hits.push(hit);
          this.delivered_++;
        }
        if (this.offset < r.hits.length) break; // the limit stops us inside this item's hits
        if (r.hits.length >= r.limit) {
          // Possibly cut short by its limit: if more is wanted, search it again for more.
          if (this.delivered_ >= limit) break;
          this.results.delete(this.item);
          if (this.rerunAsked) break;
          this.rerunAsked = true;
          return {
            hits,
            rerun: { itemId: this.item, limit: this.offset + (limit - this.delivered_) },
            finished: false,
          };
        }
      }
      this.results.delete(this.item);
      this.item++;
      this.offset = 0;
    }
    return { hits, finished: this.item >= this.itemCount };
  }
}
