/** The few ways findings write numbers: exact byte counts, hex digits, shares, thread counts. */
import { humanSize } from '../../text/size';

export { humanSize };

export const KiB = 1024;
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** 1572864 → "1,572,864" (fixed grouping, whatever the locale). */
export function grouped(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Upper-case hex digits without a prefix, as .NET's hexadecimal settings are written: 1310720 → "140000". */
export function hexDigits(n: number): string {
  return Math.round(n).toString(16).toUpperCase();
}

/** "12.5 %" (one decimal; "< 0.1 %" for a share too small to show). */
export function share(part: number, whole: number): string {
  if (whole <= 0) return '? %';
  const p = (part / whole) * 100;
  return p > 0 && p < 0.1 ? '< 0.1 %' : `${p.toFixed(1)} %`;
}

/** "1 thread", "788 threads". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${grouped(n)} ${n === 1 ? one : many}`;
}
