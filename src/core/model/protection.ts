import { PF_R, PF_W, PF_X } from '../elf/constants';

/** "rwx" with dashes, as /proc/PID/maps writes it (without the p/s column, which a core does not record). */
export function permsFromFlags(flags: number): string {
  const perms = PERMS[(flags & PF_R ? 4 : 0) | (flags & PF_W ? 2 : 0) | (flags & PF_X ? 1 : 0)];
  if (perms === undefined) throw new RangeError(`no permissions for flags ${flags}`);
  return perms;
}

/** The eight answers, made once (this runs for every mapping of a core with thousands). */
const PERMS = ['---', '--x', '-w-', '-wx', 'r--', 'r-x', 'rw-', 'rwx'];

/**
 * The Windows protection constant maddress prints for these permissions. Write without read does not exist on
 * x86/arm MMUs (write implies read), so -w- maps to PAGE_READWRITE as Windows would.
 */
export function protectName(perms: string): string {
  const r = perms[0] === 'r';
  const w = perms[1] === 'w';
  const x = perms[2] === 'x';
  if (x) return w ? 'PAGE_EXECUTE_READWRITE' : r ? 'PAGE_EXECUTE_READ' : 'PAGE_EXECUTE';
  if (w) return 'PAGE_READWRITE';
  return r ? 'PAGE_READONLY' : 'PAGE_NOACCESS';
}
