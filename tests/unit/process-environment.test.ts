/**
 * argv and the environment from the main thread's initial stack (model/process-environment.ts), on synthetic cores
 * whose stack is laid out as the kernel's exec lays it out (fs/binfmt_elf.c create_elf_tables): argc, argv[],
 * NULL, envp[], NULL, auxv, AT_RANDOM's bytes, then the strings (argv's, envp's, AT_EXECFN's path) at the top.
 */
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/core/io/byte-source';
import { MemoryReader } from '../../src/core/memory/memory-reader';
import { readProcessEnvironment } from '../../src/core/model/process-environment';
import type { ProcessEnvironment } from '../../src/core/types';
import { AT_EXECFN, AT_PAGESZ, AT_RANDOM, coreBuilder } from '../helpers/core-builder';
import { analyzeCore } from '../../src/core/analyze';

const AT_ENTRY = 9;
const AT_UID = 11;
const AT_SECURE = 23;

interface StackSpec {
  readonly bits: 32 | 64;
  readonly base: bigint;
  readonly size: number;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  /** Pointers to write instead of the strings' addresses (argv's first, then envp's), by index. */
  readonly pointerOverrides?: ReadonlyMap<number, bigint>;
  /** Leave out argc (the arrays run down to the region's start). */
  readonly noArgc?: boolean;
  readonly withExecfn?: boolean;
}

interface BuiltStack {
  readonly bytes: Uint8Array;
  readonly auxv: (readonly [number, bigint])[];
  readonly sp: bigint;
  /** Address of argv[0]'s string, or of the first environment string. */
  readonly strings: bigint;
  readonly stringAddresses: bigint[];
}

/** The top of a main stack as exec leaves it, in `size` bytes ending at base + size. */
function initialStack(spec: StackSpec): BuiltStack {
  const word = spec.bits / 8;
  const bytes = new Uint8Array(spec.size);
  const view = new DataView(bytes.buffer);
  const top = spec.base + BigInt(spec.size);
  const encoder = new TextEncoder();
  const execfn = '/usr/bin/app';
  const texts = [...spec.argv, ...spec.env, ...(spec.withExecfn === false ? [] : [execfn])];
  const total = texts.reduce((n, t) => n + encoder.encode(t).length + 1, 0);
  let cursor = spec.size - 8 - total; // 8: the end marker
  const addresses: bigint[] = [];
  for (const t of texts) {
    addresses.push(spec.base + BigInt(cursor));
    const encoded = encoder.encode(t);
    bytes.set(encoded, cursor);
    cursor += encoded.length + 1;
  }
  const execfnAt = addresses[addresses.length - 1] ?? top;
  let at = (spec.size - 8 - total - 16) & ~15; // AT_RANDOM's 16 bytes, 16-aligned
  const random = spec.base + BigInt(at);
  bytes.fill(0xa5, at, at + 16);
  const auxv: (readonly [number, bigint])[] = [
    [AT_PAGESZ, 4096n],
    [AT_ENTRY, 0x401000n],
    [AT_UID, 1000n],
    [AT_SECURE, 0n],
    [AT_RANDOM, random],
    ...(spec.withExecfn === false ? [] : [[AT_EXECFN, execfnAt] as const]),
    [0, 0n],
  ];
  const pointers = [...addresses.slice(0, spec.argv.length + spec.env.length)].map(
    (p, i) => spec.pointerOverrides?.get(i) ?? p,
  );
  const argvPointers = pointers.slice(0, spec.argv.length);
  const envPointers = pointers.slice(spec.argv.length);
  const words = [
    ...(spec.noArgc === true ? [] : [BigInt(spec.argv.length)]),
    ...argvPointers,
    0n,
    ...envPointers,
    0n,
    ...auxv.flatMap(([type, value]) => [BigInt(type), value]),
  ];
  at -= words.length * word;
  at &= ~15;
  const sp = spec.noArgc === true ? spec.base : spec.base + BigInt(at);
  if (spec.noArgc === true) {
    // The arrays begin right at the region's start: nothing below them.
    at = 0;
  }
  words.forEach((w, i) => {
    if (word === 8) view.setBigUint64(at + i * 8, w, true);
    else view.setUint32(at + i * 4, Number(w), true);
  });
  return { bytes, auxv, sp, strings: addresses[0] ?? top, stringAddresses: addresses };
}

async function environmentOf(
  spec: StackSpec,
  options: { auxv?: boolean; execfnThreadSecond?: boolean; mutateAuxv?: boolean } = {},
): Promise<{ env: ProcessEnvironment | undefined; stack: BuiltStack }> {
  const stack = initialStack(spec);
  const pid = 500;
  const builder = coreBuilder({ bits: spec.bits }).prpsinfo({ pid });
  // The kernel writes the crashing thread first: here a worker, with its own stack elsewhere.
  builder.thread({ tid: 501, pc: 0x401000n, sp: 0x7000_1000n, signal: 11 });
  builder.thread({ tid: pid, pc: 0x401000n, sp: stack.sp });
  if (options.auxv !== false) {
    const auxv = options.mutateAuxv === true ? stack.auxv.map(([t, v]) => [t, v + 1n] as const) : stack.auxv;
    builder.auxv(auxv);
  }
  builder.load({ vaddr: 0x7000_0000n, size: 0x2000 });
  builder.load({ vaddr: spec.base, size: spec.size, data: stack.bytes });
  const source = new MemorySource(builder.build());
  const analysis = await analyzeCore(source);
  const env = await readProcessEnvironment(new MemoryReader(source, analysis.regions), analysis);
  return { env, stack };
}

const ARGV = ['/usr/bin/app', '--port', '8080', ''];
const ENV = ['HOME=/home/app', 'EQUALS=a=b=c', 'EMPTY=', 'NO_EQUALS_SIGN', 'UNICODE=grüß'];

describe('readProcessEnvironment', () => {
  it('reads argv and envp of a 64-bit process, the main thread listed second', async () => {
    const { env, stack } = await environmentOf({
      bits: 64,
      base: 0x7ffd_0000_0000n,
      size: 0x4000,
      argv: ARGV,
      env: ENV,
    });
    expect(env?.warnings).toEqual([]);
    expect(env?.argv).toEqual(ARGV);
    expect(env?.env.map((v) => [v.name, v.value])).toEqual([
      ['HOME', '/home/app'],
      ['EQUALS', 'a=b=c'],
      ['EMPTY', ''],
      ['NO_EQUALS_SIGN', ''],
      ['UNICODE', 'grüß'],
    ]);
    expect(env?.env.map((v) => v.address)).toEqual(stack.stringAddresses.slice(ARGV.length, ARGV.length + ENV.length));
    expect(env?.address).toBe(stack.strings);
  });

  it('reads a 32-bit (i386) stack', async () => {
    const { env } = await environmentOf({
      bits: 32,
      base: 0xbffe_0000n,
      size: 0x2000,
      argv: ['app', 'x'],
      env: ['A=1'],
    });
    expect(env?.argv).toEqual(['app', 'x']);
    expect(env?.env.map((v) => `${v.name}=${v.value}`)).toEqual(['A=1']);
    expect(env?.warnings).toEqual([]);
    // Five words below it (argc, argv[0], NULL, envp[0], NULL): the auxv starts 4 bytes past an 8-byte boundary.
    const odd = await environmentOf({ bits: 32, base: 0xbffe_0000n, size: 0x2000, argv: ['app'], env: ['A=1'] });
    expect(odd.env?.argv).toEqual(['app']);
    expect(odd.env?.env.map((v) => v.name)).toEqual(['A']);
  });

  it('reads argc 0 and an empty environment', async () => {
    const { env } = await environmentOf({ bits: 64, base: 0x7ffd_0000_0000n, size: 0x2000, argv: [], env: [] });
    expect(env).toEqual({ argv: [], env: [], address: undefined, warnings: [] });
  });

  it('finds the main thread by its tid = pid when the auxv has no AT_EXECFN', async () => {
    const { env } = await environmentOf({
      bits: 64,
      base: 0x7ffd_0000_0000n,
      size: 0x4000,
      argv: ARGV,
      env: ENV,
      withExecfn: false,
    });
    expect(env?.argv).toEqual(ARGV);
    expect(env?.env).toHaveLength(ENV.length);
  });

  it('gives up without an auxv, or when the stack holds no copy of it', async () => {
    const spec = { bits: 64, base: 0x7ffd_0000_0000n, size: 0x2000, argv: ARGV, env: ENV } as const;
    expect((await environmentOf(spec, { auxv: false })).env).toBeUndefined();
    expect((await environmentOf(spec, { mutateAuxv: true })).env).toBeUndefined();
  });

  it('warns about pointers to memory not in the dump and keeps the rest', async () => {
    const overrides = new Map([
      [1, 0x1234_5000n],
      [ARGV.length + 2, 0x5555_0000n],
    ]);
    const { env } = await environmentOf({
      bits: 64,
      base: 0x7ffd_0000_0000n,
      size: 0x4000,
      argv: ARGV,
      env: ENV,
      pointerOverrides: overrides,
    });
    expect(env?.argv).toEqual(['/usr/bin/app', '', '8080', '']);
    expect(env?.env.map((v) => v.name)).toEqual(['HOME', 'EQUALS', 'NO_EQUALS_SIGN', 'UNICODE']);
    expect(env?.warnings).toEqual([
      'argv[1] at 0x12345000 is not in the dump',
      'an environment string at 0x55550000 is not in the dump',
    ]);
  });

  it('stops at the region start when argc is missing, with a warning', async () => {
    const { env } = await environmentOf({
      bits: 64,
      base: 0x7ffd_0000_0000n,
      size: 0x2000,
      argv: ['a', 'b'],
      env: ['A=1'],
      noArgc: true,
    });
    expect(env?.warnings[0]).toMatch(
      /^the stack below 0x7ffd00000000 is not in the dump: argv and envp are incomplete$/,
    );
    expect(env?.env.map((v) => v.name)).toEqual(['A']);
  });

  it('caps the pointers walked on a stack of non-zero words', async () => {
    const size = 0x10_0000; // 1 MiB: 131072 words, more than the cap
    const stack = initialStack({ bits: 64, base: 0x7ffc_0000_0000n, size, argv: ['a'], env: ['A=1'] });
    // Everything below envp's NULL becomes non-zero words: no argv terminator, no argc.
    const auxvAt = stack.sp + 8n * 5n; // argc, argv[0], NULL, envp[0], NULL
    const bytes = stack.bytes;
    bytes.fill(0x41, 0, Number(auxvAt - 0x7ffc_0000_0000n) - 8);
    const builder = coreBuilder().prpsinfo({ pid: 1 }).thread({ tid: 1, sp: stack.sp }).auxv(stack.auxv);
    builder.load({ vaddr: 0x7ffc_0000_0000n, size, data: bytes });
    const source = new MemorySource(builder.build());
    const analysis = await analyzeCore(source);
    const env = await readProcessEnvironment(new MemoryReader(source, analysis.regions), analysis);
    expect(env).toEqual({
      argv: [],
      env: [],
      warnings: ['more than 65536 argv and envp pointers below the auxv: not read'],
    });
  });
});
