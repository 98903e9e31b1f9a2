/**
 * Differences as horizontal bars around zero: B's growth to the right, its shrinking to the left, each labelled
 * with its signed value so the chart reads without hovering. Clicking a bar opens the rows behind it (in A).
 */
import { useRef, type ReactNode } from 'react';
import { Bar, BarChart, LabelList, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { CompareLink } from '../../core/compare/compare-document';
import { useElementWidth } from '../common/use-element-width';
import type { OnCompareLink } from './compare-cells';

export interface DiffBar {
  readonly label: string;
  readonly diff: number;
  /** The signed value as shown ("+1.17 GiB", "+150"). */
  readonly text: string;
  readonly fill: string;
  /** The rows behind the bar in A (none for what is only in B), and their name for the link's notice. */
  readonly link: CompareLink | undefined;
  readonly linkLabel: string;
}

const BAR = 24;

export function DiffChart({
  bars,
  label,
  onLink,
}: {
  readonly bars: readonly DiffBar[];
  /** The figure's accessible name. */
  readonly label: string;
  readonly onLink: OnCompareLink;
}): ReactNode {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref);
  // Zero at the edge when every difference goes one way; in the middle when some grew and some shrank.
  const low = Math.min(0, ...bars.map((b) => b.diff));
  const high = Math.max(0, ...bars.map((b) => b.diff));
  const labelWidth = Math.min(180, 12 + 7.2 * Math.max(4, ...bars.map((b) => b.label.length)));
  // What each bar draws; Recharts reads `fill` and `cursor` from the entry (a bar without rows in A is no link).
  const data = bars.map((b) => ({
    label: b.label,
    diff: b.diff,
    text: b.text,
    fill: b.fill,
    cursor: b.link ? 'pointer' : 'default',
  }));
  return (
    <div ref={ref} className="chart compare-chart" role="figure" aria-label={label}>
      {width > 0 && bars.length > 0 && (
        <BarChart
          layout="vertical"
          width={width}
          height={bars.length * BAR + 12}
          data={data}
          margin={{ top: 4, right: 90, bottom: 4, left: 90 }}
        >
          <XAxis type="number" hide domain={low === high ? [-1, 1] : [low, high]} />
          <YAxis type="category" dataKey="label" width={labelWidth} fontSize={12} interval={0} />
          <ReferenceLine x={0} stroke="currentColor" strokeOpacity={0.4} />
          <Bar
            dataKey="diff"
            isAnimationActive={false}
            minPointSize={2}
            onClick={(_, index) => {
              const bar = bars[index];
              if (bar?.link) onLink(bar.link, bar.linkLabel);
            }}
          >
            <LabelList dataKey="text" position="right" fontSize={11} fill="currentColor" />
          </Bar>
        </BarChart>
      )}
    </div>
  );
}
