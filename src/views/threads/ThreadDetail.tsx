/**
 * The selected thread: where it stopped, its stack region and (from the census) how much of it was ever touched
 * and its high-water mark, links into the hex view (sp, the mark), and its registers as the dump recorded them.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { RegisterValue, ThreadRow } from '../../../workers/engine-protocol';
import type { CensusState } from '../../app/census-data';
import { parseAddress } from '../../core/format/address';
import { humanSize } from '../../core/format/size';
import { usedPercent } from './thread-model';

export interface ThreadDetailProps {
  readonly thread: ThreadRow;
  /** The thread's index (census arrays are per index). */
  readonly index: number;
  readonly census?: CensusState;
  /** The thread's registers, from the worker holding the dump (not part of the view). */
  readonly loadRegisters: (thread: number) => Promise<readonly RegisterValue[]>;
  readonly onShowStack: (region: number) => void;
  readonly onShowMemory?: (address: bigint) => void;
}

function HighWater({ census, index, onShowMemory }: { readonly census: CensusState; readonly index: number; readonly onShowMemory?: (address: bigint) => void }): ReactNode {
  const d = census.data;
  const touched = d.threadTouched[index] ?? NaN;
  if (Number.isNaN(touched)) return <span className="muted">{census.status === 'running' ? 'scanning…' : 'unknown: the census stopped before this stack'}</span>;
  const depth = d.threadDepth[index] ?? 0;
  const mark = d.threadHighWater[index] ?? 0n;
  return (
    <>
      {humanSize(touched)} touched · high-water mark {depth === 0 ? 'none (no touched page below the top)' : <>{humanSize(depth)} below the top</>}
      {mark !== 0n && onShowMemory !== undefined && (
        <>
          {' '}
          <button type="button" className="link mono" onClick={() => onShowMemory(mark)}>
            0x{mark.toString(16)}
          </button>
        </>
      )}
      {d.threadPartial[index] === 1 && <span className="muted"> — part of the stack is not in the dump: this is what the dumped pages show</span>}
    </>
  );
}

/** The registers of thread `index`, asked for when it is shown; a failed request says so in place of the values. */
function Registers({ index, count, load }: { readonly index: number; readonly count: number; readonly load: (thread: number) => Promise<readonly RegisterValue[]> }): ReactNode {
  const [got, setGot] = useState<{ readonly index: number; readonly registers?: readonly RegisterValue[]; readonly error?: string }>();
  useEffect(() => {
    let current = true;
    load(index).then(
      (registers) => current && setGot({ index, registers }),
      (e: unknown) => current && setGot({ index, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      current = false;
    };
  }, [index, load]);
  const shown = got?.index === index ? got : undefined;
  return (
    <details className="registers">
      <summary>Registers ({count})</summary>
      {shown === undefined && <p className="muted">reading…</p>}
      {shown?.error !== undefined && <p className="muted">could not read the registers: {shown.error}</p>}
      {shown?.registers !== undefined && (
        <div className="register-grid">
          {shown.registers.map((r) => (
            <span key={r.name} className="mono">
              <span className="muted">{r.name}</span> {r.value}
            </span>
          ))}
        </div>
      )}
    </details>
  );
}

export function ThreadDetail({ thread, index, census, loadRegisters, onShowStack, onShowMemory }: ThreadDetailProps): ReactNode {
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
          {thread.signalName !== '' && <span className="muted"> · stopped by {thread.signalName}</span>}
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
              · {humanSize(thread.stackSize ?? 0)}, {humanSize(thread.stackUsed ?? 0)} used{pct !== undefined ? ` (${pct.toFixed(1)} %)` : ''}{' '}
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
      </dl>
      {thread.registerCount > 0 && <Registers index={index} count={thread.registerCount} load={loadRegisters} />}
    </section>
  );
}
