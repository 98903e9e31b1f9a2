/**
 * Coalesces many small updates into one message every `intervalMs`: the census completes regions by the
 * thousand, and the page should re-render its tables a few times a second, not once per region. The first
 * update after a quiet spell goes out after the interval too (not at once), so a burst is always one message.
 */
export class BatchTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: () => void,
  ) {}

  /** Something changed: flush within intervalMs. */
  mark(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.intervalMs);
  }

  /** Drops a pending flush (the caller sends its final state itself, or nothing after a cancel). */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The page's batches come this often: a few renders a second while a scan runs (the issue asks 100–200 ms). */
export const BATCH_INTERVAL_MS = 150;
