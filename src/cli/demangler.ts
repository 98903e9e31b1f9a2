/**
 * The CLI's demangler: reads the demangler's WebAssembly module from disk and starts it (src/core/symbols/demangle.ts).
 * The bundled command finds `index_bg.wasm` beside itself in build/cli/ (scripts/build-cli.mjs copies it there, so an
 * installed command does not depend on where node_modules is); run from the sources (the tests), it takes the one
 * in node_modules. When neither can be read or started, names are shown as they are, with one warning.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDemangler, type DemangleFn } from '../core/symbols/demangle';

export const DEMANGLER_WASM = 'index_bg.wasm';

export interface CliDemangler {
  readonly demangle: DemangleFn;
  /** Set when the module could not be loaded: names then pass through unchanged. */
  readonly warning?: string;
}

/** Where the module may be: beside the bundle first, then the package in node_modules. */
export function demanglerWasmCandidates(): string[] {
  const candidates = [join(__dirname, DEMANGLER_WASM)];
  try {
    candidates.push(require.resolve(`gecko-profiler-demangle/${DEMANGLER_WASM}`));
  } catch {
    // not installed beside the sources: the copy beside the bundle is the only place
  }
  return candidates;
}

let loading: Promise<CliDemangler> | undefined;

/** Loads and starts the demangler once per process, from the usual places; never rejects. */
export function loadCliDemangler(): Promise<CliDemangler> {
  loading ??= loadDemanglerFrom(demanglerWasmCandidates());
  return loading;
}

/** The first candidate that reads and starts; never rejects. */
export async function loadDemanglerFrom(candidates: readonly string[]): Promise<CliDemangler> {
  const problems: string[] = [];
  for (const path of candidates) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      problems.push(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    try {
      return { demangle: (await createDemangler(bytes)).demangle };
    } catch (e) {
      problems.push(`${path}: ${(e as Error).message}`);
    }
  }
  return {
    demangle: (name) => name,
    warning: `symbol names are shown mangled: the demangler could not be loaded (${problems.join('; ') || 'no candidate'})`,
  };
}
