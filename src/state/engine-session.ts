/**
 * The page's handle on the engine: which dump is on screen, in which worker it lives, and the one load in flight.
 * It owns no React state; useEngine turns its results into a LoadState.
 *
 * A loaded dump is pinned to the worker that analysed it (the Analysis and its bigints stay there). If that worker
 * is lost, an export loads the same File again on a live worker and retries once: the page keeps the File, so
 * nothing the user sees is lost with a worker.
 */
import * as Comlink from 'comlink';
import type {
  CensusExport,
  DumpId,
  DumpIdentity,
  EngineApi,
  FileKind,
  GivenFile,
  StacksEnd,
  StacksEvent,
  ExportRequest,
  ExportResult,
  FetchResult,
  LoadFailure,
  LoadProgress,
  LoadResult,
  MemoryResult,
  RegisterValue,
  RegistersResult,
  UrlDump,
  UrlLoadResult,
} from '../../workers/engine-protocol';
import type { Finding } from '../core/types';
import { EnginePool, WorkerLostError } from '../../workers/pool';

/** The dump on screen: its id, the pool slot (and that slot's generation) holding its analysis, and its File. */
export interface Current {
  readonly id: DumpId;
  readonly slot: number;
  readonly generation: number;
  /** The File, or for a dump opened by URL and read with Range requests, its address and size. */
  readonly file: Blob | UrlDump;
  readonly name: string;
}

export type LoadOutcome = LoadResult | { readonly ok: false; readonly cancelled: true };

export class EngineSession {
  private nextId = 1;
  private current: Current | undefined;
  private inFlight: { readonly id: DumpId; readonly slot: number; cancelled: boolean } | undefined;

  private readonly holderLostListeners = new Set<() => void>();
  /** The last stacks pass started: settles when it ends, however it ends (resolved at once when none ran). */
  private stacksRun: Promise<void> = Promise.resolve();

  constructor(private readonly pool: EnginePool) {
    pool.onWorkerLost((slot) => {
      if (this.current?.slot !== slot) return;
      for (const listener of this.holderLostListeners) listener();
    });
  }

  /**
   * Told when the worker holding the dump on screen is lost: what it kept beyond the analysis (the stacks pass's
   * result) must be made again on the worker that loads the dump next.
   */
  onHolderLost(listener: () => void): () => void {
    this.holderLostListeners.add(listener);
    return () => this.holderLostListeners.delete(listener);
  }

  /** Analyses `file`; the dump on screen stays loaded until this one succeeds. */
  async load(file: Blob, name: string, onProgress: (p: LoadProgress) => void): Promise<LoadOutcome> {
    const run = await this.runLoad<LoadResult>((api, id) => api.load(id, file, name, Comlink.proxy(onProgress)));
    if (!run.ok) return run;
    const { result } = run;
    // A compressed dump comes back decoded: the other workers (and a reload) read that copy.
    if (result.ok) this.makeCurrent({ ...run.flight, file: result.file ?? file, name });
    return result;
  }

  /**
   * Opens the dump or report at `url` (loadUrl): read in place with Range requests, or downloaded first into a File
   * (a server without Range support, a report, a compressed dump) which the other workers are then given.
   */
  async loadUrl(url: string, name: string, onProgress: (p: LoadProgress) => void): Promise<LoadOutcome> {
    const run = await this.runLoad<UrlLoadResult>((api, id) => api.loadUrl(id, url, name, Comlink.proxy(onProgress)));
    if (!run.ok) return run;
    const { result } = run;
    if (!result.ok) return result;
    this.makeCurrent({ ...run.flight, file: result.over.kind === 'range' ? result.over.dump : result.over.file, name });
    return { ok: true, view: result.view };
  }

  /**
   * The one load in flight: cancels the previous one, picks a worker other than the current dump's when it can, and
   * releases what a load cancelled meanwhile left in its worker. The caller makes the result current.
   */
  private async runLoad<R>(
    start: (api: Comlink.Remote<EngineApi>, id: DumpId) => Promise<R>,
  ): Promise<
    | { readonly ok: true; readonly result: R; readonly flight: Omit<Current, 'file' | 'name'> }
    | { readonly ok: false; readonly cancelled: true }
    | { readonly ok: false; readonly failure: LoadFailure }
  > {
    this.cancel();
    const id = this.nextId++;
    const slot = this.pool.pickSlot(this.current?.slot);
    const generation = this.pool.generation(slot);
    const flight = { id, slot, cancelled: false };
    this.inFlight = flight;
    let result: R;
    try {
      result = await this.pool.run<R>(slot, (api) => start(api, id));
    } catch (e) {
      if (flight.cancelled) return { ok: false, cancelled: true };
      return { ok: false, failure: lostFailure(e) };
    } finally {
      if (this.inFlight === flight) this.inFlight = undefined;
    }
    if (flight.cancelled) {
      void this.release({ id, slot, generation });
      return { ok: false, cancelled: true };
    }
    return { ok: true, result, flight: { id, slot, generation } };
  }

  private makeCurrent(next: Current): void {
    if (this.current !== undefined) void this.release(this.current);
    this.current = next;
  }

  /**
   * For the dump on screen when it is read over HTTP: the bytes every worker has fetched (the header pass, the
   * stacks pass, scans) and the dump's size; undefined otherwise. Workers lost meanwhile took their counts along.
   */
  async fetchedOverHttp(): Promise<{ readonly bytes: number; readonly size: number } | undefined> {
    const d = this.current;
    if (d === undefined || d.file instanceof Blob) return undefined;
    const counts = await Promise.all(
      Array.from({ length: this.pool.size }, (_, slot) =>
        this.pool.run(slot, (api) => api.fetchedOverHttp(d.id)).catch(() => undefined),
      ),
    );
    return { bytes: counts.reduce((sum, c) => sum + (c?.bytes ?? 0), 0), size: d.file.size };
  }

  /** Fetches and gunzips the sample in a worker (the main thread only renders). */
  async fetchSample(
    url: string,
    name: string,
    onProgress: (p: LoadProgress) => void,
  ): Promise<FetchResult | { readonly ok: false; readonly cancelled: true }> {
    this.cancel();
    const slot = this.pool.pickSlot(this.current?.slot);
    const flight = { id: -1, slot, cancelled: false };
    this.inFlight = flight;
    try {
      return await this.pool.run<FetchResult>(slot, (api) => api.fetchGzip(url, name, Comlink.proxy(onProgress)));
    } catch (e) {
      if (flight.cancelled) return { ok: false, cancelled: true };
      return { ok: false, failure: lostFailure(e) };
    } finally {
      if (this.inFlight === flight) this.inFlight = undefined;
    }
  }

  /** Stops the load in flight by replacing its worker: the header pass has no other way to be interrupted. */
  cancel(): void {
    const flight = this.inFlight;
    if (flight === undefined) return;
    flight.cancelled = true;
    this.inFlight = undefined;
    this.pool.recycle(flight.slot);
  }

  /**
   * An export of the dump on screen; reloads it on a live worker if its worker was lost. The stacks pass's result
   * was lost with that worker and the pass starts again (onHolderLost): the export after a reload waits for it, so
   * that it still carries the frames and groups the page shows.
   */
  async exportText(request: ExportRequest): Promise<string> {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (attempt > 0) await this.stacksRun;
      const d = this.current;
      if (d === undefined) throw new Error('no dump is loaded');
      if (this.pool.generation(d.slot) === d.generation) {
        try {
          const result = await this.pool.run<ExportResult>(d.slot, (api) => api.exportText(d.id, request));
          if (result.ok) return result.text;
        } catch (e) {
          if (!(e instanceof WorkerLostError)) throw e;
        }
      }
      await this.reload(d);
    }
    throw new Error('the engine worker was lost twice while exporting; try again');
  }

  /** The id of the dump on screen (for views that need to know a new one arrived). */
  get currentId(): DumpId | undefined {
    return this.current?.id;
  }

  /** The dump on screen is read over HTTP with Range requests (not a File). */
  get readsOverHttp(): boolean {
    return this.current !== undefined && !(this.current.file instanceof Blob);
  }

  get currentSlot(): number | undefined {
    return this.current?.slot;
  }

  /** The dump on screen, on a live worker: loaded again first if the worker holding it was lost. */
  async liveDump(): Promise<Current> {
    const d = this.current;
    if (d === undefined) throw new Error('no dump is loaded');
    if (this.pool.generation(d.slot) === d.generation) return d;
    await this.reload(d);
    const now = this.current;
    if (now === undefined) throw new Error('no dump is loaded');
    return now;
  }

  /** Memory for the hex view, from the worker holding the dump (its PageCache). */
  readMemory(address: bigint, length: number): Promise<MemoryResult> {
    return this.askHolder('reading memory', (d) =>
      this.pool.run<MemoryResult>(d.slot, (api) => api.readMemory(d.id, address, length)),
    );
  }

  /** One thread's registers (by its index in the view), from the worker holding the dump. */
  async threadRegisters(thread: number): Promise<readonly RegisterValue[]> {
    const result = await this.askHolder('reading registers', (d) =>
      this.pool.run<RegistersResult>(d.slot, (api) => api.threadRegisters(d.id, thread)),
    );
    return result.ok ? result.registers : [];
  }

  /** A file's size and fingerprint, read in any worker: to match a dump given to the report on screen. */
  identify(file: Blob): Promise<DumpIdentity> {
    const slot = this.pool.pickSlot();
    return this.pool.run<DumpIdentity>(slot, (api) => api.identify(file));
  }

  /** What each file is, by its content: read in any worker (the first 4 KiB of each). */
  sortFiles(files: readonly GivenFile[]): Promise<FileKind[]> {
    const slot = this.pool.pickSlot();
    return this.pool.run<FileKind[]>(slot, (api) => api.sortFiles(files));
  }

  /** The stacks pass over the dump on screen with `files` beside it, in the worker holding its analysis. */
  startStacks(files: readonly GivenFile[], onEvent: (event: StacksEvent) => void): Promise<StacksEnd> {
    const run = this.runStacks(files, onEvent);
    // Settled, never rejected: what exportText waits for.
    this.stacksRun = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async runStacks(files: readonly GivenFile[], onEvent: (event: StacksEvent) => void): Promise<StacksEnd> {
    const d = await this.liveDump();
    try {
      return await this.pool.run<StacksEnd>(d.slot, (api) => api.startStacks(d.id, files, Comlink.proxy(onEvent)));
    } catch (e) {
      if (e instanceof WorkerLostError) return { ok: false, reason: 'failed', message: e.message };
      throw e;
    }
  }

  /** The findings of the dump on screen, with the census when it is in. */
  async findings(census?: CensusExport): Promise<readonly Finding[]> {
    const d = await this.liveDump();
    try {
      return await this.pool.run<readonly Finding[]>(d.slot, (api) => api.findings(d.id, census));
    } catch (e) {
      if (e instanceof WorkerLostError) return [];
      throw e;
    }
  }

  /**
   * A question only the worker holding the dump's analysis can answer. Its answer "not loaded" (the worker was
   * replaced and lost the dump) or the worker dying meanwhile loads the dump again on a live worker and asks once more.
   */
  private async askHolder<R extends { readonly ok: boolean }>(
    what: string,
    ask: (d: Current) => Promise<R>,
  ): Promise<R> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const d = await this.liveDump();
      try {
        const result = await ask(d);
        // 'no-dump': a saved report is on screen; loading it again would not give it memory.
        if (result.ok || (result as { readonly reason?: string }).reason === 'no-dump') return result;
        await this.reload(d);
      } catch (e) {
        if (!(e instanceof WorkerLostError)) throw e;
      }
    }
    throw new Error(`the engine worker was lost twice while ${what}; try again`);
  }

  private async reload(d: Current): Promise<void> {
    const slot = this.pool.pickSlot();
    const generation = this.pool.generation(slot);
    const file = d.file;
    const result = await this.pool.run<LoadResult | UrlLoadResult>(slot, (api) =>
      file instanceof Blob ? api.load(d.id, file, d.name) : api.loadUrl(d.id, file.url, d.name),
    );
    if (!result.ok) throw new Error(`could not reload ${d.name}: ${result.failure.message}`);
    if (this.current === d) this.current = { ...d, slot, generation };
  }

  private async release(d: { id: DumpId; slot: number; generation: number }): Promise<void> {
    if (this.pool.generation(d.slot) !== d.generation) return;
    try {
      await this.pool.run(d.slot, (api) => api.release(d.id));
    } catch (e) {
      // A worker lost meanwhile took the dump with it: nothing left to release.
      if (!(e instanceof WorkerLostError)) throw e;
    }
  }
}

function lostFailure(e: unknown): LoadFailure {
  if (e instanceof WorkerLostError)
    return { kind: 'worker', message: `${e.message}; it has been replaced — open the dump again` };
  return { kind: 'internal', message: e instanceof Error ? e.message : String(e) };
}
