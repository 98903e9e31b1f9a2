/** Lower-case `0x…` hex, 64-bit exact: the JSON document's address format. */
export function hexAddress(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** Bare hex, zero-padded to the core's width: the table format (`7f5b4d4f6000`). */
export function tableAddress(value: bigint, bits: 32 | 64): string {
  return value.toString(16).padStart(bits === 64 ? 12 : 8, '0');
}

/** WinDbg's 64-bit form with a backtick between the halves: `00007f42`d2d6dfa0`. */
export function windbgAddress(value: bigint, bits: 32 | 64): string {
  if (bits === 32) return value.toString(16).padStart(8, '0');
  const s = value.toString(16).padStart(16, '0');
  return `${s.slice(0, 8)}\`${s.slice(8)}`;
}

/** Parses "0x7f42d2d6dfa0", "7f42d2d6dfa0" or WinDbg's "00007f42`d2d6dfa0"; undefined when it is not an address. */
export function parseAddress(text: string): bigint | undefined {
  const t = text.trim().replace(/`/g, '').replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,16}$/i.test(t)) return undefined;
  return BigInt(`0x${t}`);
}
