/**
 * The demangler over real symbol names: C++ from libstdc++ and Firefox-style code, Rust v0 and legacy names from a
 * rustc-built program. Expected texts come from binutils' `c++filt` on this machine when it is installed (Rust: with
 * the crate disambiguators and legacy hashes it prints removed, as the demangler leaves them out), plus names that
 * must pass through unchanged.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDemangler, MAX_MANGLED_LENGTH, type Demangler } from '../../src/core/symbols/demangle';
import { demanglerWasmCandidates, loadDemanglerFrom } from '../../src/cli/demangler';

const wasmPath = createRequire(import.meta.url).resolve('gecko-profiler-demangle/index_bg.wasm');

function cxxfilt(names: readonly string[]): string[] | undefined {
  try {
    return execFileSync('c++filt', [...names], { encoding: 'utf8' })
      .trimEnd()
      .split('\n');
  } catch {
    return undefined;
  }
}

const CXX = [
  '_ZN7mozilla3dom7Element12GetAttributeERKNS_6nsAtomE',
  '_ZNSt6vectorIiSaIiEE9push_backERKi',
  '_ZGTtNKSt11logic_error4whatEv', // libstdc++.so.6
  '_ZN3foo3barEv.cold',
  '_ZdlPvm',
];
// From `nm` of a program built with rustc 1.x (`-C symbol-mangling-version=v0`, and the default legacy scheme).
const RUST_V0 = [
  '_RNvCs6GmmlP4bgsG_1r11count_words',
  '_RINvMNtCsgEmfK2I1SDS_4core3stre18trim_start_matchesReECsgY6Mt91CT9J_14rustc_demangle',
];
const RUST_LEGACY = ['_ZN1r11count_words17hed120d890656813dE'];

let demangler: Demangler;
beforeAll(async () => {
  demangler = await createDemangler(readFileSync(wasmPath));
});

describe('createDemangler', () => {
  it('demangles C++ names as c++filt does', () => {
    expect(demangler.demangle(CXX[0] ?? '')).toBe('mozilla::dom::Element::GetAttribute(mozilla::nsAtom const&)');
    expect(demangler.demangle(CXX[1] ?? '')).toBe('std::vector<int, std::allocator<int> >::push_back(int const&)');
    const reference = cxxfilt(CXX);
    if (reference === undefined) {
      console.log('c++filt not installed: compared with fixed texts only');
      return;
    }
    expect(CXX.map((n) => demangler.demangle(n))).toEqual(reference);
  });

  it('demangles the macOS spelling __Z like _Z', () => {
    expect(demangler.demangle(`_${CXX[0] ?? ''}`)).toBe(demangler.demangle(CXX[0] ?? ''));
  });

  it('demangles Rust v0 and legacy names without disambiguators or hashes', () => {
    expect(demangler.demangle(RUST_V0[0] ?? '')).toBe('r::count_words');
    expect(demangler.demangle(RUST_V0[1] ?? '')).toBe('<str>::trim_start_matches::<&str>');
    expect(demangler.demangle(RUST_LEGACY[0] ?? '')).toBe('r::count_words');
    const reference = cxxfilt([...RUST_V0, ...RUST_LEGACY]);
    if (reference === undefined) {
      console.log('c++filt not installed: compared with fixed texts only');
      return;
    }
    const stripped = reference.map((s) => s.replace(/\[[0-9a-f]{16}\]/g, '').replace(/::h[0-9a-f]{16}$/, ''));
    expect([...RUST_V0, ...RUST_LEGACY].map((n) => demangler.demangle(n))).toEqual(stripped);
  });

  it('leaves names that are not mangled as they are', () => {
    for (const name of ['main', '_start', '__libc_start_main', '_dl_start', '_init', '__start', 'Zeta', 'R', ''])
      expect(demangler.demangle(name)).toBe(name);
  });

  it('keeps a _Z or _R name it cannot demangle whole (the module alone would drop its underscore)', () => {
    for (const name of ['_Zfoo', '__Zfoo', '_RXYZ', '_R', '_Z']) expect(demangler.demangle(name)).toBe(name);
  });

  it('passes names beyond the length cap through without calling the module', () => {
    const long = `_ZN${'3abc'.repeat(MAX_MANGLED_LENGTH / 4)}E`;
    expect(demangler.demangle(long)).toBe(long);
  });

  it('survives many distinct names (cache bound) and non-ASCII input', () => {
    const wrong: number[] = [];
    for (let i = 0; i < 60_000; i++)
      if (demangler.demangle(`_Z${String(i).length + 1}f${i}v`) !== `f${i}()`) wrong.push(i);
    expect(wrong).toEqual([]);
    expect(demangler.demangle('_Zé')).toBe('_Zé');
    expect(demangler.demangle(CXX[1] ?? '')).toBe('std::vector<int, std::allocator<int> >::push_back(int const&)');
  });

  it('rejects bytes that are not the demangler module', async () => {
    await expect(createDemangler(new Uint8Array([1, 2, 3]))).rejects.toThrow();
    // A valid but empty module: compiles, lacks the functions.
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await expect(createDemangler(empty)).rejects.toThrow(/no function demangle_any/);
  });
});

describe('the CLI loader', () => {
  it('looks beside the bundle first, then in node_modules', () => {
    const candidates = demanglerWasmCandidates();
    expect(candidates[0]).toMatch(/[/\\]index_bg\.wasm$/);
    expect(candidates).toContain(wasmPath);
  });

  it('falls back to the next candidate and demangles', async () => {
    const loaded = await loadDemanglerFrom(['/nonexistent/index_bg.wasm', wasmPath]);
    expect(loaded.warning).toBeUndefined();
    expect(loaded.demangle(CXX[0] ?? '')).toBe('mozilla::dom::Element::GetAttribute(mozilla::nsAtom const&)');
  });

  it('passes names through with one warning when no candidate loads', async () => {
    expect(existsSync('/nonexistent/index_bg.wasm')).toBe(false);
    const loaded = await loadDemanglerFrom(['/nonexistent/index_bg.wasm']);
    expect(loaded.warning).toMatch(/demangler could not be loaded.*ENOENT/);
    expect(loaded.demangle(CXX[0] ?? '')).toBe(CXX[0]);
  });
});

describe('the worker loader', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('fetches the module from the URL the bundler gives and demangles', async () => {
    const asked: string[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      asked.push(url);
      return Promise.resolve(new Response(readFileSync(wasmPath)));
    });
    const { loadWorkerDemangler } = await import('../../workers/demangler');
    const loaded = await loadWorkerDemangler();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/index_bg\.wasm$/);
    expect(loaded.warning).toBeUndefined();
    expect(loaded.demangle(RUST_LEGACY[0] ?? '')).toBe('r::count_words');
    expect(await loadWorkerDemangler()).toBe(loaded);
    expect(asked).toHaveLength(1);
  });

  it('passes names through with one warning when the fetch fails', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(new Response('gone', { status: 404 })));
    const { loadWorkerDemangler } = await import('../../workers/demangler');
    const loaded = await loadWorkerDemangler();
    expect(loaded.warning).toMatch(/demangler could not be loaded \(HTTP 404/);
    expect(loaded.demangle('_ZdlPvm')).toBe('_ZdlPvm');
  });
});
