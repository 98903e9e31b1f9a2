import type { ScanProgress } from '../core/run/scan-events';

/** A scan's progress on stderr when it is a terminal: %, MB/s, time left. Silent in pipes and CI logs. */
export class StderrProgress {
  private last = 0;
  private shown = false;

  constructor(private readonly what: string) {}

  show(p: ScanProgress): void {
    const now = performance.now();
    if (!process.stderr.isTTY || now - this.last < 200) return;
    this.last = now;
    this.shown = true;
    const seconds = p.elapsedMs / 1000;
    const rate = p.bytesDone / Math.max(seconds, 0.001);
    const left = rate > 0 ? (p.bytesTotal - p.bytesDone) / rate : 0;
    const percent = ((p.bytesDone / Math.max(p.bytesTotal, 1)) * 100).toFixed(0);
    process.stderr.write(
      `\rcoreview: ${this.what} ${percent}%  ${(rate / 1e6).toFixed(0)} MB/s  ${left.toFixed(0)} s left `,
    );
  }

  end(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
  }
}
