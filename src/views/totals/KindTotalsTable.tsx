/**
 * The maddress summary: Memory Type, Count, Size, Size (bytes), % of Total, In Dump, and the census's Touched
 * (each cell carries its exact byte count in data-bytes, for tests and for anyone reading the DOM).
 */
import type { ReactNode } from 'react';
import type { KindTotal } from '../../core/types';
import { kindSoFar, kindValue, type CensusState } from '../../state/census-data';
import { groupedBytes, maddressSize, percent } from '../../core/format/size';
import { useCensusState } from '../common/census-context';
import { HeuristicBadge } from '../common/HeuristicBadge';
import { kindColor } from '../common/kind-colors';

export interface KindTotalsTableProps {
  readonly totals: readonly KindTotal[];
  readonly touchedColumn: boolean;
  readonly onPickKind: (kind: string) => void;
}

/** Complete: the sum. Before that, what is in so far: "12.00kb…" while scanning, "≥ 12.00kb" once stopped. */
function touchedCell(
  census: CensusState | undefined,
  value: number | undefined,
  inDump: number,
  soFar: number,
): ReactNode {
  if (value !== undefined)
    return inDump === 0 ? (
      <span className="muted" title="Nothing of this kind is in the dump: unknown, not zero">
        —
      </span>
    ) : (
      maddressSize(value)
    );
  if (census === undefined) return <span className="muted">–</span>;
  if (census.status === 'running')
    return (
      <span className="muted" title="So far: the census is still running">
        {soFar > 0 ? `${maddressSize(soFar)}…` : '…'}
      </span>
    );
  return (
    <span className="warn" title="At least this much: the census stopped before every region of this kind was scanned">
      ≥ {maddressSize(soFar)}
    </span>
  );
}

export function KindTotalsTable({ totals, touchedColumn, onPickKind }: KindTotalsTableProps): ReactNode {
  const census = useCensusState();
  const sum = totals.reduce(
    (a, t) => ({ count: a.count + t.count, size: a.size + t.size, inDump: a.inDump + t.inDump }),
    { count: 0, size: 0, inDump: 0 },
  );
  const values = totals.map((_, i) => kindValue(census?.data, i));
  const allIn = values.every((v) => v !== undefined);
  const touchedSum = allIn ? values.reduce((a, v) => a + v, 0) : undefined;
  const soFar = totals.map((_, i) => kindSoFar(census?.data, i)?.bytes ?? 0);
  const soFarSum = soFar.reduce((a, v) => a + v, 0);
  return (
    <table className="static-table" data-testid="kind-totals">
      <thead>
        <tr>
          <th scope="col">Memory Type</th>
          <th scope="col" className="num">
            Count
          </th>
          <th scope="col" className="num">
            Size
          </th>
          <th scope="col" className="num narrow-hide">
            Size (bytes)
          </th>
          <th scope="col" className="num narrow-hide">
            % of Total
          </th>
          <th scope="col" className="num">
            In Dump
          </th>
          {touchedColumn && (
            <th scope="col" className="num" title="Census: bytes of the dumped 4 KiB pages holding any non-zero byte">
              Touched
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {totals.map((t, i) => (
          <tr key={t.kind}>
            <th scope="row">
              <span className="swatch" style={{ background: kindColor(t.kind) }} aria-hidden="true" />
              <button
                type="button"
                className="link"
                onClick={() => onPickKind(t.kind)}
                title={`Show the ${t.kind} regions`}
              >
                {t.kind}
              </button>
              {t.heuristic && (
                <HeuristicBadge
                  text={`Some ${t.kind} regions are classified by a heuristic; the region table shows the evidence for each.`}
                />
              )}
            </th>
            <td className="num">{groupedBytes(t.count)}</td>
            <td className="num">{maddressSize(t.size)}</td>
            <td className="num narrow-hide">{groupedBytes(t.size)}</td>
            <td className="num narrow-hide">{percent(t.percent)}</td>
            <td className="num">{maddressSize(t.inDump)}</td>
            {touchedColumn && (
              <td className="num" data-testid={`touched-${t.kind}`} data-bytes={values[i]}>
                {touchedCell(census, values[i], t.inDump, soFar[i] ?? 0)}
              </td>
            )}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">[TOTAL]</th>
          <td className="num">{groupedBytes(sum.count)}</td>
          <td className="num">{maddressSize(sum.size)}</td>
          <td className="num narrow-hide">{groupedBytes(sum.size)}</td>
          <td className="num narrow-hide">{percent(totals.length > 0 ? 100 : 0)}</td>
          <td className="num">{maddressSize(sum.inDump)}</td>
          {touchedColumn && (
            <td className="num" data-testid="touched-total" data-bytes={touchedSum}>
              {touchedCell(census, touchedSum, sum.inDump, soFarSum)}
            </td>
          )}
        </tr>
      </tfoot>
    </table>
  );
}
