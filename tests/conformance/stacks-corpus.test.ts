/**
 * Stack walks of the corpus' frame-pointer cores (elfutils' backtrace-child built with frame pointers, dumped on
 * x86_64, i386, aarch64 and ppc64le), from the dump alone: the corpus keeps no executables, so there is no CFI
 * from files, only frame pointers (and whatever the dump holds itself, such as the vDSO).
 *
 * What `coreview CORE --stacks --json --offline` must give every thread:
 * - frame 0 at the thread's pc (trust 'context'), a walk that ends at 'outermost' or says why it stopped,
 * - every frame's pc inside an executable mapping of the same document's region table,
 * - the frames eu-stack 0.188 finds with its own frame-pointer fallback (run without the executables, output
 *   saved below from this machine), in the same order, as the first frames of the walk: eu-stack ends each of
 *   these walks on an error ("Callback returned failure", ppc64le's first thread "address out of range"), so a
 *   walk may go on past them, but not differ before.
 *
 * Turns on by itself once the CLI's --help lists --stacks; skips as a group when the corpus is absent.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusSkipReason } from './corpus-notes';
import { parseEuStack } from '../real/stack-oracles';
import { cliHasStacks, runStacksJson, stacksDocument, type StacksDocument, type StacksRun } from '../real/stacks-cli';

/** `eu-stack --core=CORE` (elfutils 0.188, no executable) on each decompressed core; stderr lines kept as comments. */
const EU_STACK: Record<string, string> = {
  'elfutils-backtrace.x86_64.fp': `
TID 28872:
#0  0x000000000040545b
#1  0x0000000000401bb0
#2  0x0000000000401c00
#3  0x0000000000401c09
#4  0x0000000000402d74
# dwfl_thread_getframes tid 28872 at 0x402d73 in backtrace.x86_64.fp.exec: Callback returned failure
TID 28871:
#0  0x00000000004040f4
# dwfl_thread_getframes tid 28871 at 0x4040f4 in backtrace.x86_64.fp.exec: Callback returned failure`,
  'elfutils-backtrace.i386.fp': `
TID 12045:
#0  0x008a7416 __kernel_vsyscall
#1  0x08051ab9
#2  0x080485c1
#3  0x08048699
#4  0x08048702
#5  0x0804871b
#6  0x0804a7cf
# dwfl_thread_getframes tid 12045 at 0x804a7ce in [exe]: Callback returned failure
TID 12044:
#0  0x008a7416 __kernel_vsyscall
#1  0x0804ae30
#2  0x0804847c
#3  0x08053188
# dwfl_thread_getframes tid 12044 at 0x8053187 in [exe]: Callback returned failure`,
  'elfutils-backtrace.aarch64.fp': `
TID 350:
#0  0x000000000040583c
#1  0x0000000000401aac
#2  0x0000000000401ba8
#3  0x0000000000401c04
#4  0x0000000000401c10
#5  0x0000000000402f44
#6  0x000000000041dc70
# dwfl_thread_getframes tid 350 at 0x41dc6f in backtrace.aarch64.fp.exec: Callback returned failure
TID 349:
#0  0x0000000000403fcc
#1  0x0000000000403f40
#2  0x0000000000401810
#3  0x0000000000406544
#4  0x0000000000401918
# dwfl_thread_getframes tid 349 at 0x401917 in backtrace.aarch64.fp.exec: Callback returned failure`,
  'elfutils-backtrace.ppc64le.fp': `
TID 23728:
#0  0x00000000100104bc
#1  0x0000000010002a1c
#2  0x0000000010002b38
#3  0x0000000010002bc4
#4  0x0000000010002bf0
#5  0x0000000010004c28
# dwfl_thread_getframes tid 23728 at 0x10004c27 in backtrace.ppc64le.fp.exec: address out of range
TID 23727:
#0  0x0000000010006034
#1  0x0000000010005fcc
#2  0x00000000100025bc
#3  0x00000000100123c4
#4  0x0000000010012570
# dwfl_thread_getframes tid 23727 at 0x1001256f in backtrace.ppc64le.fp.exec: Callback returned failure`,
};

const hex = (v: bigint) => `0x${v.toString(16)}`;

function executableAt(doc: StacksDocument, pc: bigint): boolean {
  return doc.regions.some((r) => r.perms.includes('x') && BigInt(r.start) <= pc && pc < BigInt(r.end));
}

const skipReason = corpusSkipReason();
const hasStacks = cliHasStacks();
const title = 'stack walks of the corpus frame-pointer cores, from the dump alone';
describe.skipIf(skipReason !== undefined)(
  skipReason === undefined ? title : `${title} — skipped: ${skipReason}`,
  () => {
    it('the saved eu-stack walks parse: two threads per core, each with frames', () => {
      for (const [name, text] of Object.entries(EU_STACK)) {
        const threads = parseEuStack(text);
        expect(threads.size, name).toBe(2);
        for (const frames of threads.values()) expect(frames.length, name).toBeGreaterThan(0);
      }
    });

    for (const [name, saved] of Object.entries(EU_STACK)) {
      describe(name, () => {
        let dir: string | undefined;
        let run: StacksRun = { error: 'coreview did not run', ms: 0 };
        const euStack = parseEuStack(saved);

        beforeAll(() => {
          if (!hasStacks) return;
          dir = mkdtempSync(join(tmpdir(), 'coreview-stacks-corpus-'));
          const core = join(dir, `${name}.core`);
          writeFileSync(core, gunzipSync(readFileSync(join(CORPUS_DIR, 'compressed', `${name}.core.gz`))));
          run = runStacksJson(core, ['--offline']);
        });
        afterAll(() => {
          if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
        });

        it.skipIf(!hasStacks)('every thread walks from its pc and ends at the outermost frame or says why not', () => {
          const doc = stacksDocument(run);
          const byNumber = (a: number, b: number) => a - b;
          expect(doc.threads.map((t) => t.tid).sort(byNumber)).toEqual([...euStack.keys()].sort(byNumber));
          for (const thread of doc.threads) {
            const frames = thread.frames ?? [];
            expect(frames.length, `thread ${thread.tid}`).toBeGreaterThan(0);
            expect(frames[0]?.trust).toBe('context');
            if (thread.pc !== undefined) expect(frames[0]?.pc && BigInt(frames[0].pc)).toBe(BigInt(thread.pc));
            expect(typeof thread.unwindStop, `thread ${thread.tid}`).toBe('string');
            expect(thread.unwindStop?.length ?? 0, `thread ${thread.tid}`).toBeGreaterThan(0);
          }
        });

        it.skipIf(!hasStacks)("every frame's pc lies in an executable mapping", () => {
          const doc = stacksDocument(run);
          for (const thread of doc.threads) {
            const outside = (thread.frames ?? []).map((f) => BigInt(f.pc)).filter((pc) => !executableAt(doc, pc));
            expect(outside.map(hex), `thread ${thread.tid}`).toEqual([]);
          }
        });

        it.skipIf(!hasStacks)("the walk starts with eu-stack's frame-pointer frames", () => {
          const doc = stacksDocument(run);
          for (const [tid, expected] of euStack) {
            const frames = doc.threads.find((t) => t.tid === tid)?.frames ?? [];
            const pcs = frames.slice(0, expected.length).map((f) => hex(BigInt(f.pc)));
            expect(pcs, `thread ${tid}`).toEqual(expected.map((f) => hex(f.pc)));
          }
        });
      });
    }
  },
);
