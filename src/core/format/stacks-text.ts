/**
 * `coreview core --stacks`: what the threads are doing, as text to paste into a ticket. Groups of identical
 * stacks first, largest first — the 788 threads blocked in one receive loop are one block at the top — then every
 * thread on its own, in the dump's thread order, with its frames and why its walk ended:
 *
 *   788 threads: tid 1234, 1235, 1236, … and 785 more (blocked in recvmsg(fd …))
 *     #0 libc.so.6!__recv+0x24 [cfi]
 *     #1 …
 *
 *   tid 1234: 9 frames, blocked in recvmsg(fd 127, …)
 *     #0 …
 *     walk ended: reached the outermost frame
 *
 * Each frame line is frameText's (model/frame-text.ts), how it was found in brackets, and its source line when
 * known. `width` (a terminal's) shortens tid lists and long frame lines to fit, with `…`.
 */
import { frameText } from '../model/frame-text';
import type { Analysis, Frame, StackGroup, Syscall, ThreadStack, UnwindStop } from '../types';

export interface StacksTextOptions {
  readonly width?: number;
}

const STOP_TEXT: Readonly<Record<UnwindStop, string>> = {
  outermost: 'reached the outermost frame',
  loop: 'the frames repeat (the walk went in a loop)',
  limit: 'the frame limit was reached',
  unreadable: 'the next frame is in memory the dump does not hold',
  'no-unwind-info': 'no unwind information for the last frame, and no other way found to its caller',
};

/** A group with fewer threads than this is shown by its threads alone, not as a group. */
const GROUP_MIN = 2;

/** What the text needs of the analysis: each thread's tid and whether it crashed, and the main thread's tid. */
export interface StacksTextProcess {
  readonly threads: readonly Pick<Analysis['threads'][number], 'tid' | 'crashed'>[];
  readonly process: { readonly pid?: number | null };
}

export function stacksText(
  groups: readonly StackGroup[],
  stacks: readonly ThreadStack[],
  syscalls: ReadonlyMap<number, Syscall>,
  analysis: StacksTextProcess,
  options: StacksTextOptions = {},
): string {
  const { width } = options;
  const blocks: string[] = [];
  const shared = groups.filter((g) => g.threads.length >= GROUP_MIN);
  const threadCount = analysis.threads.length;
  const plural = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`;
  blocks.push(
    `${plural(groups.length, 'stack group')} among ${plural(threadCount, 'thread')} (frames compared by module and symbol, by address without a symbol); shared by more than one thread: ${shared.length}`,
  );
  for (const [i, g] of shared.entries()) {
    const call = groupCall(g, syscalls);
    const head = `Group ${i + 1}, ${g.threads.length} threads: `;
    const tail = call === undefined ? '' : ` (blocked in ${call})`;
    const room = width === undefined ? undefined : Math.max(20, width - head.length - tail.length);
    blocks.push([`${head}${tidList(g.threads, room)}${tail}`, ...frameLines(g.frames, width)].join('\n'));
  }
  const byTid = new Map(stacks.map((s) => [s.tid, s]));
  // A thread of a shared group is one line: its frames are the group's, printed above.
  const groupOf = new Map<number, number>();
  shared.forEach((g, i) => {
    for (const tid of g.threads) groupOf.set(tid, i + 1);
  });
  blocks.push('Threads');
  let lastWasOneLine = false;
  for (const t of analysis.threads) {
    const s = byTid.get(t.tid);
    const call = syscalls.get(t.tid);
    const marks = [
      t.crashed ? 'crashed' : undefined,
      t.tid === analysis.process.pid ? 'main' : undefined,
      s === undefined ? 'not walked' : `${s.frames.length} ${s.frames.length === 1 ? 'frame' : 'frames'}`,
      call === undefined ? undefined : `blocked in ${call.text}`,
    ].filter((m): m is string => m !== undefined);
    const group = groupOf.get(t.tid);
    if (group !== undefined) marks.push(`the frames of group ${group}`);
    const lines = [fit(`tid ${t.tid}: ${marks.join(', ')}`, width)];
    if (s !== undefined && group === undefined) {
      lines.push(...frameLines(s.frames, width));
      const detail = s.stopDetail === undefined ? '' : ` (${s.stopDetail})`;
      lines.push(fit(`  walk ended: ${STOP_TEXT[s.stop]}${detail}`, width));
    }
    // Consecutive one-line threads (of a group) stay together, one line each.
    const last = blocks.length - 1;
    if (group !== undefined && lastWasOneLine) blocks[last] = `${blocks[last] ?? ''}\n${lines.join('\n')}`;
    else blocks.push(lines.join('\n'));
    lastWasOneLine = group !== undefined;
  }
  return `${blocks.join('\n\n')}\n`;
}

/** `  #0 libc.so.6!__recv+0x24 [cfi] at recv.c:28`, one per frame. */
function frameLines(frames: readonly Frame[], width: number | undefined): string[] {
  return frames.map((f, i) => {
    const source = f.file === undefined ? '' : ` at ${f.file}${f.line === undefined ? '' : `:${f.line}`}`;
    return fit(`  #${i} ${frameText(f)} [${f.trust}]${source}`, width);
  });
}

/**
 * The group's system call: the text when every thread's is the same, `name(…)` when only the call is (the
 * arguments differ: another descriptor per thread), nothing when they differ or some thread shows none.
 */
function groupCall(g: StackGroup, syscalls: ReadonlyMap<number, Syscall>): string | undefined {
  let first: Syscall | undefined;
  let sameText = true;
  for (const tid of g.threads) {
    const s = syscalls.get(tid);
    if (s === undefined || (first !== undefined && s.name !== first.name)) return undefined;
    if (first !== undefined && s.text !== first.text) sameText = false;
    first ??= s;
  }
  if (first === undefined) return undefined;
  return sameText ? first.text : `${first.name}(…)`;
}

/**
 * "tid 1, 2, 3" with runs of consecutive tids as ranges ("tid 26558–27357": a thread pool's workers are usually
 * created one after another), whole, or as many items as fit in `room` characters (one at least) and "… and N more".
 */
function tidList(tids: readonly number[], room: number | undefined): string {
  const items = tidRanges(tids);
  const whole = `tid ${items.map((r) => r.text).join(', ')}`;
  if (room === undefined || whole.length <= room) return whole;
  const cut = (shown: number) => {
    const more = tids.length - items.slice(0, shown).reduce((n, r) => n + r.count, 0);
    return `tid ${items
      .slice(0, shown)
      .map((r) => r.text)
      .join(', ')}, … and ${more} more`;
  };
  let shown = 1;
  // Stops at the first list too long: a few steps, however many threads.
  while (shown + 1 < items.length && cut(shown + 1).length <= room) shown++;
  return cut(shown);
}

function tidRanges(tids: readonly number[]): { readonly text: string; readonly count: number }[] {
  const sorted = [...tids].sort((a, b) => a - b);
  const out: { text: string; count: number }[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    const first = sorted[i] ?? 0;
    const last = sorted[j] ?? 0;
    // Two in a row read better as a list than as a range.
    if (j - i >= 2) out.push({ text: `${first}–${last}`, count: j - i + 1 });
    else for (let k = i; k <= j; k++) out.push({ text: String(sorted[k] ?? 0), count: 1 });
    i = j + 1;
  }
  return out;
}

/** The line cut to `width` characters, the last one `…`. */
function fit(line: string, width: number | undefined): string {
  if (width === undefined || line.length <= width) return line;
  return `${line.slice(0, Math.max(1, width - 1))}…`;
}
