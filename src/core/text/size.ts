/** `bytes` as a value of the largest base-1024 unit it reaches (K at least), and that unit's index (0 = K). */
export function scaleBytes(bytes: number, units: number): { value: number; unit: number } {
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units - 1) {
    value /= 1024;
    unit++;
  }
  return { value, unit };
}

/** Human sizes, for the page and for heuristic evidence: `6.28 GiB`, `8.00 MiB`, `512 B`. */
export function humanSize(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  if (bytes < 1024) return `${bytes} B`;
  const { value, unit } = scaleBytes(bytes, units.length);
  return `${value.toFixed(2)} ${units[unit]}`;
}
