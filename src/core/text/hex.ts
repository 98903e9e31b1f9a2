/** Lower-case `0x…` hex, for the addresses the engine writes into warnings and heuristic evidence. */
export function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}
