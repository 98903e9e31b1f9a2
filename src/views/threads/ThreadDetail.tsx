/**
 * The selected thread: where it stopped, its stack region and (from the census) how much of it was ever touched
 * and its high-water mark, links into the hex view (sp, the mark), its registers as the dump recorded them, and from
 * the stacks pass the system call it is blocked in and its frames with why the walk stopped where it did.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { DumpId, RegisterValue, ThreadRow } from '../../../workers/engine-protocol';
import type { CensusState } from '../../state/census-data';
import { hexAddress, parseAddress } from '../../core/format/address';
import { humanSize } from '../../core/format/size';
import type { Syscall, ThreadStack, UnwindStop } from '../../core/types';
import type { StacksStatus } from '../../state/stacks-data';
import { useCensusState } from '../common/census-context';
import { useStacksState } from '../common/stacks-context';
import { FrameList } from './FrameList';
import { blockedInText, tookSignal, usedPercent } from './thread-model';

type LoadRegisters = (thread: number) => Promise<readonly RegisterValue[]>;

export interface ThreadDetailProps {
  /** The dump's id (AnalysisView.id): registers are cached per dump and thread. */
  readonly dumpId: DumpId;
  readonly thread: ThreadRow;
  /** The thread's index (census arrays are per index). */
  readonly index: number;
  /** The thread's registers, from the worker holding the dump (not part of the view); asked for when shown. */
  readonly loadRegisters: LoadRegisters;
  readonly onShowStack: (region: number) => void;
  readonly onShowMemory?: (address: bigint) => void;
}

function HighWater({
  census,
  index,
  onShowMemory,
}: {
  readonly census: CensusState;
  readonly index: number;
  readonly onShowMemory?: (address: bigint) => void;
}): ReactNode {
  const d = census.data;
  const touched = d.threadTouched[index] ?? NaN;
  if (Number.isNaN(touched))
    return (
      <span className="muted">
        {census.status === 'running' ? 'scanning…' : 'unknown: the census stopped before this stack'}
      </span>
    );
  const depth = d.threadDepth[index] ?? 0;
  const mark = d.threadHighWater[index] ?? 0n;
  return (
    <>
      {humanSize(touched)} touched · high-water mark{' '}
      {depth === 0 ? 'none (no touched page below the top)' : <>{humanSize(depth)} below the top</>}
      {mark !== 0n && onShowMemory !== undefined && (
        <>
          {' '}
          <button type="button" className="link mono" onClick={() => onShowMemory(mark)}>
            {hexAddress(mark)}
          </button>
        </>
      )}
      {d.threadPartial[index] === 1 && (
        <span className="muted"> — part of the stack is not in the dump: this is what the dumped pages show</span>
      )}
    </>
  );
}

const STOPS: Record<UnwindStop, string> = {
  outermost: 'reached the outermost frame',
  loop: 'a caller repeated a frame already walked (the walk would loop)',
  limit: 'the frame limit was reached',
  unreadable: 'a value it needed is not in the dump',
  'no-unwind-info': 'no unwind data for the last frame, and nothing on the stack looked like a return address',
};

/** The system call the thread is in, how that was read, and whether a signal interrupted it. */
function SyscallLine({ syscall }: { readonly syscall: Syscall }): ReactNode {
  return (
    <>
      <span className="mono wrap">{blockedInText(syscall)}</span>{' '}
      <span className="muted">
        (system call {syscall.nr}, from {syscall.evidence})
      </span>
      {syscall.interrupted && (
        <span className="muted"> — a signal interrupted it: the dump was taken on the signal handler's path</span>
      )}
    </>
  );
}

/** The thread's frames, or where the stacks pass is with them. */
function Frames({
  stack,
  status,
  onShowMemory,
}: {
  readonly stack: ThreadStack | undefined;
  readonly status: StacksStatus;
  readonly onShowMemory?: (address: bigint) => void;
}): ReactNode {
  if (stack === undefined)
    return (
      <p className="muted">
        {status === 'running' ? 'Walking this stack…' : 'This stack was not walked (the stacks pass stopped first).'}
      </p>
    );
  return (
    <>
      <p className="walk-stop" data-testid="walk-stop">
        {stack.frames.length.toLocaleString('en-US')} frame{stack.frames.length === 1 ? '' : 's'} · the walk stopped:{' '}
        {STOPS[stack.stop]}
        {stack.stopDetail !== undefined && <span className="muted"> — {stack.stopDetail}</span>}
      </p>
      {stack.frames.length > 0 && <FrameList frames={stack.frames} onShowMemory={onShowMemory} />}
    </>
  );
}

/** Dumps whose registers stay cached per source: the one on screen and the one before it. */
const CACHED_DUMPS = 2;

/**
 * Registers already read, per source (one per engine), dump and thread index, for the session: a dump's registers
 * never change, so opening them again — or selecting a thread seen before — does not ask the worker again. Keyed
 * weakly by the source, so a new engine (or a test's stub) starts empty and dump ids never meet another engine's.
 */
const registerCache = new WeakMap<LoadRegisters, Map<DumpId, Map<number, readonly RegisterValue[]>>>();

function cachedRegisters(load: LoadRegisters, dump: DumpId, index: number): readonly RegisterValue[] | undefined {
  return registerCache.get(load)?.get(dump)?.get(index);
}

function rememberRegisters(
  load: LoadRegisters,
  dump: DumpId,
  index: number,
  registers: readonly RegisterValue[],
): void {
  let dumps = registerCache.get(load);
  if (dumps === undefined) registerCache.set(load, (dumps = new Map<DumpId, Map<number, readonly RegisterValue[]>>()));
  let threads = dumps.get(dump);
  if (threads === undefined) {
    dumps.set(dump, (threads = new Map<number, readonly RegisterValue[]>()));
    // Maps iterate in insertion order: the oldest dumps go first.
    for (const old of dumps.keys()) if (dumps.size > CACHED_DUMPS) dumps.delete(old);
  }
  threads.set(index, registers);
}

/**
 * The registers of thread `index`, asked for when the details are opened (closed by default: most selections never
 * show them) and cached for the session; a failed request says so in place of the values, and is tried again the
 * next time they are opened.
 */
function Registers({
  dump,
  index,
  count,
  load,
}: {
  readonly dump: DumpId;
  readonly index: number;
  readonly count: number;
  readonly load: LoadRegisters;
}): ReactNode {
  const [open, setOpen] = useState(false);
  const [got, setGot] = useState<{
    readonly index: number;
    readonly registers?: readonly RegisterValue[];
    readonly error?: string;
  }>();
  const cached = cachedRegisters(load, dump, index);
  useEffect(() => {
    if (!open || cachedRegisters(load, dump, index) !== undefined) return;
    let current = true;
    load(index).then(
      (registers) => {
        // An empty list is the worker not holding the dump (any longer): not an answer worth keeping.
        if (registers.length > 0) rememberRegisters(load, dump, index, registers);
        if (current) setGot({ index, registers });
      },
      (e: unknown) => current && setGot({ index, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      current = false;
    };
  }, [open, dump, index, load]);
  const shown = cached !== undefined ? { registers: cached, error: undefined } : got?.index === index ? got : undefined;
  return (
    <details className="registers" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Registers ({count})</summary>
      {shown === undefined && <p className="muted">reading…</p>}
      {shown?.error !== undefined && <p className="muted">could not read the registers: {shown.error}</p>}
      {shown?.registers !== undefined && (
        <div className="register-grid">
          {shown.registers.map((r) => (
            <span key={r.name} className="mono">
              <span className="muted">{r.name}</span> {r.hex}
            </span>
          ))}
        </div>
      )}
    </details>
  );
}

/** How the thread stopped: by the signal only if it took it; the others were stopped with the process for the dump. */
function SignalNote({ thread }: { readonly thread: ThreadRow }): ReactNode {
  if (thread.signalName === '') return undefined;
  if (tookSignal(thread)) return <span className="muted"> · stopped by {thread.signalName}</span>;
  return (
    <span className="muted"> · stopped with the process (its note repeats the process's {thread.signalName})</span>
  );
}

export function ThreadDetail({
  dumpId,
  thread,
  index,
  loadRegisters,
  onShowStack,
  onShowMemory,
}: ThreadDetailProps): ReactNode {
  const census = useCensusState();
  const stacks = useStacksState();
  const syscall = stacks?.syscalls[index];
  const pct = usedPercent(thread);
  const region = thread.stackRegion;
  const sp = thread.sp === undefined ? undefined : parseAddress(thread.sp);
  return (
    <section className="detail" aria-label={`Thread ${thread.tid}`}>
      <dl>
        <dt>Thread</dt>
        <dd>
          {thread.tid}
          {thread.crashed && <span className="tag crash">crashed</span>}
          <SignalNote thread={thread} />
        </dd>
        <dt>PC</dt>
        <dd className="mono">
          {thread.pc ?? '?'} {thread.pcSymbol !== undefined && <span className="muted">{thread.pcSymbol}</span>}
        </dd>
        <dt>SP</dt>
        <dd>
          <span className="mono">{thread.sp ?? '?'}</span>{' '}
          {sp !== undefined && onShowMemory !== undefined && (
            <button type="button" onClick={() => onShowMemory(sp)}>
              Show memory at sp
            </button>
          )}
        </dd>
        <dt>Stack</dt>
        <dd>
          {thread.stackStart !== undefined && thread.stackEnd !== undefined ? (
            <>
              <span className="mono">
                {thread.stackStart} – {thread.stackEnd}
              </span>{' '}
              · {humanSize(thread.stackSize ?? 0)}, {humanSize(thread.stackUsed ?? 0)} used
              {pct !== undefined ? ` (${pct.toFixed(1)} %)` : ''}{' '}
              {region !== undefined && (
                <button type="button" onClick={() => onShowStack(region)}>
                  Show stack region
                </button>
              )}
            </>
          ) : (
            <span className="muted">sp {thread.sp ?? '?'} is in no region of the dump</span>
          )}
        </dd>
        {census !== undefined && region !== undefined && (
          <>
            <dt>Census</dt>
            <dd>
              <HighWater census={census} index={index} onShowMemory={onShowMemory} />
            </dd>
          </>
        )}
        {syscall !== undefined && (
          <>
            <dt>Blocked in</dt>
            <dd>
              <SyscallLine syscall={syscall} />
            </dd>
          </>
        )}
      </dl>
      {stacks !== undefined && stacks.status !== 'off' && (
        <section className="thread-frames" aria-label={`Frames, tid ${thread.tid}`}>
          <h3>Frames</h3>
          <Frames stack={stacks.stacks[index]} status={stacks.status} onShowMemory={onShowMemory} />
        </section>
      )}
      {thread.registerCount > 0 && (
        <Registers dump={dumpId} index={index} count={thread.registerCount} load={loadRegisters} />
      )}
    </section>
  );
}
