/**
 * An engine worker's sign of life. A worker killed from outside (the browser reclaiming memory) gets no `error`
 * event: the pool would wait on its calls forever. So every worker posts HEARTBEAT on its own port every
 * HEARTBEAT_MS — a bare string, which comlink's listener ignores — and the pool's watchdog (pool.ts) replaces a
 * worker silent for longer than SILENCE_MS, or BUSY_SILENCE_MS while one of the page's calls runs on it.
 *
 * A busy worker is silent while one synchronous step runs, and its timer cannot fire. Measured in Chromium on a
 * 2-core machine at a load average of 12-19: idle workers and scan peers never went more than 1.7 s between beats;
 * the header pass of a 100,000-region dump is one step of 1.1 s, the JSON export of that dump left its worker silent
 * for 3.1 s, gunzipping the sample 3.5 s (DecompressionStream inflates a 64 KiB chunk of zeros into ~57 MB at once)
 * and a census coordinator 4 s. So an idle worker is judged after 4 s (noticed within 5 s of its last beat) and one
 * running a call of the page's after 10 s, rather than be killed while working.
 */
export const HEARTBEAT = 'coreview-heartbeat';
export const HEARTBEAT_MS = 1000;
export const SILENCE_MS = 4000;
export const BUSY_SILENCE_MS = 10_000;

let lastBeat = 0;

/** Posts HEARTBEAT from inside a worker: what the worker's timer calls every HEARTBEAT_MS. */
export function beat(): void {
  lastBeat = Date.now();
  postMessage(HEARTBEAT);
}

/**
 * A beat from a long step that reports progress without ever letting the timer run (gunzipping the sample, the
 * header pass's steps); a few per second at most, however often the step reports.
 */
export function signOfLife(): void {
  if (Date.now() - lastBeat >= HEARTBEAT_MS / 4) beat();
}
