import { scaleBytes } from '../text/size';

export { humanSize } from '../text/size';

/**
 * Sizes as SOS `!maddress` prints them: base 1024, two decimals, lower-case unit glued on: `6.28gb`, `8.00mb`,
 * `348.00kb`. Below 1 KiB the byte count is printed as is (`512b`).
 */
export function maddressSize(bytes: number): string {
  const units = ['kb', 'mb', 'gb', 'tb', 'pb', 'eb'];
  if (bytes < 1024) return `${bytes}b`;
  const { value, unit } = scaleBytes(bytes, units.length);
  return `${value.toFixed(2)}${units[unit]}`;
}

/** 6743097344 → "6,743,097,344" (fixed locale so pasted tables look the same everywhere). */
export function groupedBytes(bytes: number): string {
  return Math.round(bytes)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function percent(value: number): string {
  return `${value.toFixed(2)}%`;
}
