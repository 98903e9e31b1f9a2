/**
 * Frame names for people: C++ (Itanium `_Z…`, and macOS-style `__Z…`) and Rust (v0 `_R…`, legacy `_ZN…17h<hash>E`)
 * symbols demangled by the demangler of the `gecko-profiler-demangle` package, a Rust crate compiled to WebAssembly.
 *
 * The package's own entry imports its .wasm as an ES module, which neither the page's bundler nor the CLI's loads,
 * and the engine imports nothing outside src/core; so each host fetches the .wasm bytes its own way and hands them
 * to `createDemangler`, and the few lines of glue that pass a string in and out of the module are here. They follow
 * the module's interface (wasm-bindgen's: `__wbindgen_malloc`/`__wbindgen_free`, `demangle_any(ptr, len)` returning
 * the result's `(ptr, len)`, `__wbindgen_start` to run once), which `createDemangler` checks before use.
 *
 * `demangle_any` drops the leading `_` of a name it does not recognise (`_start` would become `start`), so only
 * names that look mangled are passed to it, and a result that is just the name minus its first character is a
 * failure: the name is kept as it was.
 */

/** Mangled symbol name → the name to show. Never throws: a name it cannot demangle comes back unchanged. */
export type DemangleFn = (mangled: string) => string;

export interface Demangler {
  readonly demangle: DemangleFn;
}

/** The module's one import, as its glue names it. */
const IMPORT_MODULE = './index_bg.js';

/**
 * Longer names are shown as they are: the demangler's work (and the copy into its memory) grows with the name, and
 * real symbols, even deep template instantiations, stay far below this.
 */
export const MAX_MANGLED_LENGTH = 64 * 1024;

/** Distinct names remembered; a dump's frames repeat the same few thousand functions. */
const CACHE_LIMIT = 50_000;

/** Itanium C++ (`_Z`, `__Z` as macOS writes it) and Rust v0 (`_R`); legacy Rust symbols are Itanium-shaped. */
export function looksMangled(name: string): boolean {
  return name.startsWith('_Z') || name.startsWith('__Z') || name.startsWith('_R');
}

interface DemanglerExports {
  readonly memory: WebAssembly.Memory;
  readonly demangle_any: (ptr: number, len: number) => unknown;
  readonly __wbindgen_malloc: (size: number, align: number) => number;
  readonly __wbindgen_free: (ptr: number, len: number, align: number) => void;
  readonly __wbindgen_start: () => void;
  readonly __wbindgen_export_0: WebAssembly.Table;
}

/** The exports as the glue needs them, or a message saying what is missing. */
function checkExports(exports: WebAssembly.Exports): DemanglerExports | string {
  const functions = ['demangle_any', '__wbindgen_malloc', '__wbindgen_free', '__wbindgen_start'] as const;
  for (const name of functions) {
    if (typeof exports[name] !== 'function') return `the demangler module has no function ${name}`;
  }
  if (!(exports.memory instanceof WebAssembly.Memory)) return 'the demangler module exports no memory';
  if (!(exports.__wbindgen_export_0 instanceof WebAssembly.Table))
    return 'the demangler module exports no reference table';
  return exports as unknown as DemanglerExports;
}

/**
 * Compiles and starts the demangler from the bytes of `index_bg.wasm`. Rejects with a clear message when the bytes
 * are not that module (the host then shows names as they are).
 */
export async function createDemangler(wasmBytes: Uint8Array): Promise<Demangler> {
  // Filled once the module is instantiated; its start function calls the import below, which needs the table.
  const bound: { exports?: DemanglerExports } = {};
  const imports: WebAssembly.Imports = {
    [IMPORT_MODULE]: {
      // Called by __wbindgen_start: the module's table of JS values starts with its four fixed entries.
      __wbindgen_init_externref_table: () => {
        const table = bound.exports?.__wbindgen_export_0;
        if (table === undefined) return;
        const offset = table.grow(4);
        table.set(0, undefined);
        table.set(offset + 0, undefined);
        table.set(offset + 1, null);
        table.set(offset + 2, true);
        table.set(offset + 3, false);
      },
    },
  };
  // A copy: the ArrayBuffer-backed view WebAssembly wants, whatever buffer the host's bytes live in.
  const { instance } = await WebAssembly.instantiate(new Uint8Array(wasmBytes), imports);
  const checked = checkExports(instance.exports);
  if (typeof checked === 'string') throw new Error(checked);
  bound.exports = checked;
  checked.__wbindgen_start();
  return cachedDemangler(rawDemangle(checked));
}

/** One call into the module: the name's UTF-8 bytes in, the result's out, both buffers freed. */
function rawDemangle(exports: DemanglerExports): DemangleFn {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return (name) => {
    const bytes = encoder.encode(name);
    // The module takes ownership of the input buffer and frees it.
    const ptr = exports.__wbindgen_malloc(bytes.length, 1) >>> 0;
    new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
    const result = exports.demangle_any(ptr, bytes.length);
    if (!Array.isArray(result) || typeof result[0] !== 'number' || typeof result[1] !== 'number') return name;
    const outPtr = result[0] >>> 0;
    const outLen = result[1] >>> 0;
    try {
      // The memory may have grown during the call: a fresh view of its current buffer.
      return decoder.decode(new Uint8Array(exports.memory.buffer, outPtr, outLen));
    } finally {
      exports.__wbindgen_free(outPtr, outLen, 1);
    }
  };
}

/** The rules around the raw call (which names go in, what counts as a failure) and a bounded cache. */
function cachedDemangler(raw: DemangleFn): Demangler {
  const cache = new Map<string, string>();
  const demangle: DemangleFn = (name) => {
    if (!looksMangled(name) || name.length > MAX_MANGLED_LENGTH) return name;
    const hit = cache.get(name);
    if (hit !== undefined) return hit;
    let out: string;
    try {
      out = raw(name);
    } catch {
      // A trap or a decoding error on one strange name: show it as it is.
      out = name;
    }
    // Not recognised: the module returns the name minus its leading underscore.
    if (out === name.slice(1) || out.length === 0) out = name;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(name, out);
    return out;
  };
  return { demangle };
}
