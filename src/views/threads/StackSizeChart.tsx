/**
 * Threads per stack size: one bar per distinct size, labelled "count × size = total", biggest total first. A
 * process with 788 default 8 MiB stacks shows one long bar labelled "788 × 8.00 MiB = 6.16 GiB".
 */
import { useRef, type ReactNode } from 'react';
import { Bar, BarChart, LabelList, XAxis, YAxis } from 'recharts';
import { humanSize } from '../../core/format/size';
import { useElementWidth } from '../common/use-element-width';
import { useReportReady } from '../common/use-report-ready';
import type { StackBucket } from './thread-model';

const BAR = 26;
/** More distinct sizes than this are folded into one "other sizes" bar: the chart is about the big groups. */
const MAX_BARS = 12;

export function StackSizeChart({
  buckets,
  readyKey,
}: {
  readonly buckets: readonly StackBucket[];
  readonly readyKey: string;
}): ReactNode {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref);
  const shown = buckets.slice(0, MAX_BARS);
  const rest = buckets.slice(MAX_BARS);
  const data = shown.map((b) => ({
    name: b.size === undefined ? 'unknown' : humanSize(b.size),
    count: b.count,
    label:
      b.size === undefined
        ? `${b.count} × sp in no region`
        : `${b.count} × ${humanSize(b.size)} = ${humanSize(b.total)}`,
  }));
  if (rest.length > 0) {
    const count = rest.reduce((a, b) => a + b.count, 0);
    data.push({
      name: `${rest.length} other sizes`,
      count,
      label: `${count} threads = ${humanSize(rest.reduce((a, b) => a + b.total, 0))}`,
    });
  }
  useReportReady(readyKey, width > 0 || buckets.length === 0);
  return (
    <div ref={ref} className="chart" data-testid="stack-chart" role="figure" aria-label="Threads per stack size">
      {buckets.length === 0 ? (
        <p className="empty">The dump lists no threads.</p>
      ) : (
        width > 0 && (
          <BarChart
            layout="vertical"
            width={width}
            height={data.length * BAR + 36}
            data={data}
            margin={{ top: 4, right: Math.min(240, Math.round(width * 0.5)), bottom: 4, left: 4 }}
          >
            <XAxis type="number" allowDecimals={false} fontSize={11} tickCount={width < 500 ? 3 : 5} />
            <YAxis type="category" dataKey="name" width={width < 500 ? 76 : 100} fontSize={12} interval={0} />
            <Bar dataKey="count" isAnimationActive={false} fill="#d9534f" minPointSize={2}>
              <LabelList dataKey="label" position="right" fontSize={11} fill="currentColor" />
            </Bar>
          </BarChart>
        )
      )}
    </div>
  );
}
