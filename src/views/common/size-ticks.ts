import { humanSize } from '../../core/format/size';

/**
 * Axis ticks for byte sizes at round binary values (0, 2 GiB, 4 GiB, …) rather than the chart library's decimal
 * steps (3.34 MiB, 6.68 MiB): a step of 1, 2 or 5 × 10^n in the largest binary unit below `max`.
 */
export function sizeTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0];
  let unit = 1;
  while (max / (unit * 1024) >= 1 && unit < 1024 ** 5) unit *= 1024;
  const raw = max / unit / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude * unit;
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) ticks.push(t);
  return ticks;
}

/** "8 MiB" rather than "8.00 MiB" on axes, where the ticks are round. */
export function tickSize(bytes: number): string {
  return humanSize(bytes).replace(/\.00 /, ' ');
}
