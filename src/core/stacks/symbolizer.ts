/**
 * Names for frames. Native code: the module's symbols from its matched files (.symtab, .dynsym, MiniDebugInfo's
 * .gnu_debugdata), else its .dynsym as far as the dump holds it. JIT code: a perf map (`START SIZE name`, written
 * by .NET with DOTNET_PerfMapEnabled=1, Node.js with --perf-basic-prof, the JVM with perf-map-agent), else
 * `[JIT code]` — never a wrong name. Caller frames are looked up at pc − 1: a return address can be the first
 * byte of the next function when the call was the last instruction (a noreturn callee).
 */
import type { Frame, FrameTrust, Module, Region } from '../types';
import { moduleAt } from '../model/address-label';
import { regionIndexAt } from '../memory/region-lookup';
import { loadSymbols, SymbolTable } from '../image/symbols';
import { dynamicSymbolsFromMemory } from '../image/dump-dynsym';
import type { PerfMap } from '../image/perf-map';
import type { ModuleFiles } from './module-files';

export interface NamedSymbols {
  readonly table: SymbolTable;
  readonly source: 'file' | 'dump';
}

export interface SymbolizerInput {
  readonly regions: readonly Region[];
  readonly modules: readonly Module[];
  readonly bindings: readonly ModuleFiles[];
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  readonly read: (address: bigint, length: number) => Promise<Uint8Array | undefined>;
  /** Where each module's ELF header is in memory (the mapping of file offset 0). */
  readonly headerAddress: (module: Module) => bigint | undefined;
  readonly perfMaps: readonly PerfMap[];
  readonly demangle?: (name: string) => string;
}

export class Symbolizer {
  private readonly tables = new Map<ModuleFiles, Promise<NamedSymbols | undefined>>();
  private readonly demangled = new Map<string, string>();
  /**
   * Frames already named, by trust then pc: threads that wait in one place share their return addresses (800
   * threads blocked in one call: four lookups, not 3,200). A frame's name depends only on its pc and trust.
   */
  private readonly named = new Map<FrameTrust, Map<bigint, Promise<Frame>>>();

  constructor(private readonly input: SymbolizerInput) {}

  /** The frame at `pc`, named; each call returns its own object. */
  async frame(pc: bigint, trust: FrameTrust): Promise<Frame> {
    let byPc = this.named.get(trust);
    if (byPc === undefined) {
      byPc = new Map();
      this.named.set(trust, byPc);
    }
    let named = byPc.get(pc);
    if (named === undefined) {
      named = this.name(pc, trust);
      byPc.set(pc, named);
    }
    return { ...(await named) };
  }

  private async name(pc: bigint, trust: FrameTrust): Promise<Frame> {
    const { regions, modules, bindings } = this.input;
    const lookupAt = trust === 'context' ? pc : pc - 1n;
    const module = moduleAt(lookupAt, regions, modules);
    if (module === undefined) return this.jitOrBare(pc, trust, lookupAt);
    const frame: Frame = { pc, trust, module: module.path, offset: Number(pc - module.start) };
    const binding = bindings.find((b) => b.module === module);
    const symbols = binding === undefined ? undefined : await this.symbols(binding);
    const hit = symbols?.table.lookup(lookupAt - (binding?.bias ?? 0n));
    if (symbols !== undefined && hit !== undefined) {
      frame.symbol = this.demangle(hit.name);
      frame.symbolOffset = hit.offset + Number(pc - lookupAt);
      frame.symbolSource = symbols.source;
    }
    return frame;
  }

  /** The module's names and where they came from; undefined when neither a file nor the dump has any. */
  symbols(binding: ModuleFiles): Promise<NamedSymbols | undefined> {
    let table = this.tables.get(binding);
    if (table === undefined) {
      table = this.load(binding);
      this.tables.set(binding, table);
    }
    return table;
  }

  private async load(binding: ModuleFiles): Promise<NamedSymbols | undefined> {
    const files = [binding.image?.image, binding.debug?.image].filter((i) => i !== undefined);
    if (files.length > 0) {
      const tables = await Promise.all(files.map((f) => loadSymbols(f)));
      return { table: SymbolTable.merge(tables), source: 'file' };
    }
    const header = this.input.headerAddress(binding.module);
    if (header === undefined) return undefined;
    const table = await dynamicSymbolsFromMemory(
      this.input.read,
      { start: header, base: binding.bias },
      this.input.bits,
      this.input.littleEndian,
    );
    return table === undefined || table.count === 0 ? undefined : { table, source: 'dump' };
  }

  private jitOrBare(pc: bigint, trust: FrameTrust, lookupAt: bigint): Frame {
    const { regions } = this.input;
    const region = regions[regionIndexAt(regions, lookupAt)];
    // Code in a mapped file that is not an ELF module (a .NET ReadyToRun .dll): named by its file, not JIT code.
    const file = region?.image;
    if (file !== undefined) return this.inFile(pc, trust, lookupAt, file);
    const jit = region !== undefined && (region.kind === 'CLRCode' || region.perms.includes('x'));
    const frame: Frame = jit ? { pc, trust, jit: true } : { pc, trust };
    this.perfMapName(frame, pc, lookupAt);
    return frame;
  }

  /** pc in a mapped file: `file+offset` from the file's lowest mapping, and a perf map's name when one has it. */
  private inFile(pc: bigint, trust: FrameTrust, lookupAt: bigint, path: string): Frame {
    let start: bigint | undefined;
    for (const r of this.input.regions)
      if (r.image === path && (start === undefined || r.start < start)) start = r.start;
    const frame: Frame = { pc, trust, module: path, offset: Number(pc - (start ?? pc)) };
    this.perfMapName(frame, pc, lookupAt);
    return frame;
  }

  private perfMapName(frame: Frame, pc: bigint, lookupAt: bigint): void {
    for (const map of this.input.perfMaps) {
      const hit = map.lookup(lookupAt);
      if (hit === undefined) continue;
      frame.symbol = this.demangle(hit.name);
      frame.symbolOffset = hit.offset + Number(pc - lookupAt);
      frame.symbolSource = 'perfmap';
      return;
    }
  }

  private demangle(name: string): string {
    const demangle = this.input.demangle;
    if (demangle === undefined) return name;
    let out = this.demangled.get(name);
    if (out === undefined) {
      out = demangle(name);
      this.demangled.set(name, out);
    }
    return out;
  }
}
