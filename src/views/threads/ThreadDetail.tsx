/** The selected thread: where it stopped, its stack region, and its registers as the dump recorded them. */
import type { ReactNode } from 'react';
import type { ThreadRow } from '../../../workers/engine-protocol';
import { humanSize } from '../../core/format/size';
import { usedPercent } from './thread-model';

export function ThreadDetail({ thread, onShowStack }: { readonly thread: ThreadRow; readonly onShowStack: (region: number) => void }): ReactNode {
  const pct = usedPercent(thread);
  const region = thread.stackRegion;
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
      </dl>
      {thread.registers.length > 0 && (
        <details className="registers">
          <summary>Registers ({thread.registers.length})</summary>
          <div className="register-grid">
            {thread.registers.map((r) => (
              <span key={r.name} className="mono">
                <span className="muted">{r.name}</span> {r.value}
              </span>
            ))}
          </div>
        </details>
      )}
    </section>
  );
}
