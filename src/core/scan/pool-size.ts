/**
 * How many scan workers to run when nothing says otherwise — the same rule for the CLI's lanes (src/cli/thread-lanes.ts)
 * and the page's (src/state/settings.ts): twice the CPU count, clamped to 2..4. A scan worker spends much of its time
 * waiting for its reads, so two per core keep the cores busy; more than 4 only adds memory (each worker holds two
 * slices in flight). `cores` is what the host reports (os.availableParallelism(), navigator.hardwareConcurrency):
 * missing or 0 counts as 1.
 */
export function defaultPoolSize(cores: number | undefined): number {
  return Math.min(4, Math.max(2, 2 * (cores || 1)));
}
