/** Stack reserve, use and (with a census) touched bytes of A and B; a reserve size leads to its threads in A. */
import type { ReactNode } from 'react';
import { humanSize } from '../../core/format/size';
import { ColumnHeads, CompareTable, Diff, LinkButton, PERCENT_HEAD, Pct, num, type PanelProps } from './compare-cells';

export function StackSizesPanel({ doc, onLink }: PanelProps): ReactNode {
  const s = doc.stackSizes;
  const measures = [
    ['Reserve', s.reserve],
    ['Used', s.used],
    ...(s.touched ? [['Touched', s.touched] as const] : []),
  ] as const;
  return (
    <section className="panel" aria-labelledby="compare-stacks-title">
      <h2 id="compare-stacks-title">Stack sizes</h2>
      <CompareTable
        testId="compare-stack-sizes"
        head={<ColumnHeads columns={[{ title: 'Stacks' }, num('A'), num('B'), num('±'), PERCENT_HEAD]} />}
      >
        <tr>
          <th scope="row">Threads with a stack</th>
          <td className="num">{s.threadsWithStack.a}</td>
          <td className="num">{s.threadsWithStack.b}</td>
          <Diff x={s.threadsWithStack} />
          <Pct x={s.threadsWithStack} />
        </tr>
        {measures.flatMap(([name, m]) =>
          (
            [
              ['total', m.total],
              ['largest', m.max],
              ['median', m.median],
            ] as const
          ).map(([what, x]) => (
            <tr key={`${name}-${what}`}>
              <th scope="row">
                {name}, {what}
              </th>
              <td className="num">{humanSize(x.a)}</td>
              <td className="num">{humanSize(x.b)}</td>
              <Diff x={x} size />
              <Pct x={x} />
            </tr>
          )),
        )}
        {s.byReserve.map((r) => (
          <tr key={`reserve-${r.size}`}>
            <th scope="row">
              <LinkButton link={r.link} label={`threads with ${humanSize(r.size)} stacks`} onLink={onLink}>
                Threads with {humanSize(r.size)} stacks
              </LinkButton>
            </th>
            <td className="num">{r.threads.a}</td>
            <td className="num">{r.threads.b}</td>
            <Diff x={r.threads} />
            <Pct x={r.threads} />
          </tr>
        ))}
      </CompareTable>
    </section>
  );
}
