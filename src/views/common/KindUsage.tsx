/**
 * "Stack: 6.28 GiB mapped · 6.28 GiB in dump · 12.4 MiB touched" — the line that says how much of a kind was
 * actually used, in the Overview headline and above the totals. Touched is the census's sum for the kind, shown
 * only once every region of the kind is in ("scanning…" before, "incomplete" if the census stopped). "Mapped" is the
 * kind's virtual size: "reserved" would say MEM_RESERVE, which most of these regions are not.
 */
import type { ReactNode } from 'react';
import type { KindTotal } from '../../core/types';
import { kindSoFar, kindValue } from '../../state/census-data';
import { useCensusState } from './census-context';
import { humanSize } from '../../core/format/size';

export function KindUsage({
  total,
  index,
  testId,
}: {
  readonly total: KindTotal;
  readonly index: number;
  readonly testId?: string;
}): ReactNode {
  const census = useCensusState();
  const touched = kindValue(census?.data, index);
  const soFar = kindSoFar(census?.data, index)?.bytes ?? 0;
  const notInDump = total.size - total.inDump;
  const share = touched !== undefined && total.inDump > 0 ? (touched / total.inDump) * 100 : undefined;
  return (
    <span className="kind-usage" data-testid={testId} data-bytes={touched}>
      <strong>{total.kind}</strong>: {humanSize(total.size)} mapped · {humanSize(total.inDump)} in dump
      {notInDump > 0 && total.inDump > 0 && <span className="muted"> ({humanSize(notInDump)} not in dump)</span>}
      {' · '}
      {touched !== undefined ? (
        <>
          <strong className="touched">{humanSize(touched)} touched</strong>
          {share !== undefined && (
            <span className="muted">
              {' '}
              ({share < 0.1 && share > 0 ? '< 0.1' : share.toFixed(1)} % of what is in the dump)
            </span>
          )}
        </>
      ) : census === undefined ? (
        <span className="muted">touched: not scanned</span>
      ) : census.status === 'running' ? (
        <span className="muted">touched: {humanSize(soFar)} so far, scanning…</span>
      ) : (
        <span className="warn">touched: at least {humanSize(soFar)} (census incomplete)</span>
      )}
    </span>
  );
}
