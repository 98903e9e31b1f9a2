/**
 * The page's demangler, loaded in an engine worker: the demangler's WebAssembly module is a file of the built app
 * (vite's `?url` import emits it beside the scripts and gives its URL), fetched and started once per worker by
 * src/core/symbols/demangle.ts. The package's own entry is not used: it imports the .wasm as an ES module.
 *
 * Content-Security-Policy: a dedicated worker started from a same-origin URL runs under the policy of its own
 * response's headers, not the page's meta tag; the static app sends none, so compiling the module here needs no
 * 'wasm-unsafe-eval' in index.html. A server that does send a policy with `script-src` for the app's files must
 * allow 'wasm-unsafe-eval'; otherwise, as on any failure, names are shown as they are, with one warning.
 */
import wasmUrl from 'gecko-profiler-demangle/index_bg.wasm?url';
import { createDemangler, type DemangleFn } from '../src/core/symbols/demangle';

export interface WorkerDemangler {
  readonly demangle: DemangleFn;
  /** Set when the module could not be fetched or started: names then pass through unchanged. */
  readonly warning?: string;
}

let loading: Promise<WorkerDemangler> | undefined;

/** Fetches and starts the demangler once per worker; never rejects. */
export function loadWorkerDemangler(): Promise<WorkerDemangler> {
  loading ??= load(wasmUrl);
  return loading;
}

async function load(url: string): Promise<WorkerDemangler> {
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { demangle: (await createDemangler(bytes)).demangle };
  } catch (e) {
    return {
      demangle: (name) => name,
      warning: `symbol names are shown mangled: the demangler could not be loaded (${e instanceof Error ? e.message : String(e)})`,
    };
  }
}
