/**
 * Real core dumps for the e2e specs: scripts/dumps/threads.c (worker threads blocked in recv()) dumped at test time
 * by the kernel and by gdb's gcore, small (256 KiB thread stacks) and named after what they are, so two of them are
 * told apart in the top bar. Each is made on first use; where one cannot be made (no gcc, no gdb, a core_pattern
 * that sends cores elsewhere) the caller gets one line saying why instead.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { makeDump, MakeDumpError, type DumpProducer } from '../scripts/dumps/make-dump.mjs';

export interface RealCore {
  readonly path: string;
  readonly producer: DumpProducer;
  readonly workerThreads: number;
}

/** Each resolves to the dump, or to the reason it cannot be made on this machine. */
export interface RealCores {
  readonly core: () => Promise<RealCore | string>;
  readonly other: () => Promise<RealCore | string>;
}

const STACK_KB = 256;

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

async function make(dir: string, producer: DumpProducer, workerThreads: number): Promise<RealCore> {
  const outDir = join(dir, `${producer}-${workerThreads}`);
  const made = await makeDump({ threads: workerThreads, producer, outDir, stackKb: STACK_KB, timeoutMs: 30_000 });
  const path = join(outDir, `threads-${workerThreads}-${producer}.core`);
  renameSync(made.core, path);
  return { path, producer, workerThreads };
}

/** The first producer that can dump here, or one line naming why each could not. */
async function firstThatWorks(
  dir: string,
  producers: readonly DumpProducer[],
  workerThreads: number,
): Promise<RealCore | string> {
  const reasons: string[] = [];
  for (const producer of producers) {
    try {
      return await make(dir, producer, workerThreads);
    } catch (error) {
      // Only the expected failures (a missing tool, a core_pattern) skip; anything else is a bug and fails the test.
      if (!(error instanceof MakeDumpError)) throw error;
      reasons.push(`${producer}: ${firstLine(error)}`);
    }
  }
  return `no real dump of scripts/dumps/threads.c can be made here (${reasons.join('; ')})`;
}

/**
 * `core`: the kernel's dump of 2 worker threads (NT_FILE, modules, a crashed thread), else gcore's. `other`: a
 * dump of 3 worker threads by the other producer where it works, else by the same one.
 */
export function makeRealCores(dir: string): RealCores {
  let core: Promise<RealCore | string> | undefined;
  let other: Promise<RealCore | string> | undefined;
  const getCore = () => (core ??= firstThatWorks(dir, ['kernel', 'gcore'], 2));
  return {
    core: getCore,
    other: () =>
      (other ??= getCore().then((first) => {
        const producers: DumpProducer[] =
          typeof first !== 'string' && first.producer === 'gcore' ? ['kernel', 'gcore'] : ['gcore', 'kernel'];
        return firstThatWorks(dir, producers, 3);
      })),
  };
}
