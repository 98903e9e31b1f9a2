/**
 * The per-kind totals as horizontal bars (largest first, as the table), labelled with the size and share so the
 * chart reads without hovering. With a census, each kind gets a second, solid bar for its touched bytes under the
 * pale mapped one: 788 × 8 MiB stacks show as a long pale bar over a sliver. Clicking a bar filters the region
 * table by that kind.
 */
import { useRef, type ReactNode } from 'react';
import { Bar, BarChart, LabelList, XAxis, YAxis } from 'recharts';
import { kindSoFar, type CensusState } from '../../state/census-data';
import type { KindTotal } from '../../core/types';
import { humanSize } from '../../core/format/size';
import { useCensusState } from '../common/census-context';
import { kindColor } from '../common/kind-colors';
import { sizeTicks, tickSize } from '../common/size-ticks';
import { useElementWidth } from '../common/use-element-width';
import { useReportReady } from '../common/use-report-ready';

const BAR = 26;
const BAR_PAIR = 38;

/** "79.3 %", and "< 0.1 %" rather than a misleading "0.0 %" for a kind that is there but small. */
export function shareText(percent: number): string {
  return percent > 0 && percent < 0.05 ? '< 0.1 %' : `${percent.toFixed(1)} %`;
}

export interface KindChartProps {
  readonly totals: readonly KindTotal[];
  readonly readyKey: string;
  readonly onPick: (kind: string) => void;
}

function touchedLabel(census: CensusState, soFar: { bytes: number; complete: boolean } | undefined): string {
  const bytes = humanSize(soFar?.bytes ?? 0);
  if (soFar?.complete === true) return `${bytes} touched`;
  return census.status === 'running' ? `${bytes} touched so far…` : `≥ ${bytes} touched (incomplete)`;
}

export function KindChart({ totals, readyKey, onPick }: KindChartProps): ReactNode {
  const census = useCensusState();
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref);
  const data = totals.map((t, i) => {
    const soFar = kindSoFar(census?.data, i);
    return {
      kind: t.heuristic ? `${t.kind}?` : t.kind,
      raw: t.kind,
      // Each bar's colour: Recharts reads `fill` from the data entry.
      fill: kindColor(t.kind),
      size: t.size,
      label: `${humanSize(t.size)} · ${shareText(t.percent)}`,
      touched: soFar?.bytes ?? 0,
      // Nothing in the dump: unknown, never "0 B touched".
      touchedLabel: census === undefined ? '' : t.inDump === 0 ? 'not in the dump' : touchedLabel(census, soFar),
    };
  });
  const paired = census !== undefined;
  const narrow = width < 500;
  const ticks = sizeTicks(Math.max(0, ...data.map((d) => d.size)), narrow ? 2 : 4);
  // Room on the right for the value labels, but never most of a narrow window.
  const right = Math.min(130, Math.round(width * 0.38));
  const labelWidth = Math.min(
    narrow ? 112 : 150,
    12 + (narrow ? 6.8 : 7.5) * Math.max(4, ...data.map((d) => d.kind.length)),
  );
  useReportReady(readyKey, width > 0 || totals.length === 0);
  return (
    <div ref={ref} className="chart" data-testid="kind-chart" role="figure" aria-label="Virtual size per memory kind">
      {totals.length === 0 ? (
        <p className="empty">No memory regions to chart.</p>
      ) : (
        width > 0 && (
          <BarChart
            layout="vertical"
            width={width}
            height={data.length * (paired ? BAR_PAIR : BAR) + 36}
            data={data}
            margin={{ top: 4, right, bottom: 4, left: 4 }}
            barGap={1}
          >
            <XAxis
              type="number"
              tickFormatter={tickSize}
              ticks={ticks}
              domain={[0, ticks[ticks.length - 1] ?? 0]}
              fontSize={11}
            />
            <YAxis type="category" dataKey="kind" width={labelWidth} fontSize={narrow ? 11 : 12} interval={0} />
            <Bar
              dataKey="size"
              name="Mapped"
              isAnimationActive={false}
              cursor="pointer"
              onClick={(_, index) => onPick(data[index]?.raw ?? '')}
              minPointSize={2}
              fillOpacity={paired ? 0.45 : 1}
            >
              <LabelList dataKey="label" position="right" fontSize={11} fill="currentColor" />
            </Bar>
            {paired && (
              <Bar
                dataKey="touched"
                name="Touched"
                isAnimationActive={false}
                cursor="pointer"
                onClick={(_, index) => onPick(data[index]?.raw ?? '')}
                minPointSize={2}
              >
                <LabelList dataKey="touchedLabel" position="right" fontSize={11} fill="currentColor" />
              </Bar>
            )}
          </BarChart>
        )
      )}
    </div>
  );
}
