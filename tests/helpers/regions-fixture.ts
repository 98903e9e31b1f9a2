/** Hand-made regions for the view tests, turned into RegionColumns by the worker's own conversion. */
import { regionColumns } from '../../workers/analysis-view';
import type { Region } from '../../src/core/types';

let segment = 0;

export function region(start: bigint, size: number, over: Partial<Region> = {}): Region {
  return {
    start,
    end: start + BigInt(size),
    size,
    kind: 'PAGE_READWRITE',
    type: 'MEM_PRIVATE',
    state: 'MEM_COMMIT',
    protect: 'PAGE_READWRITE',
    perms: 'rw-',
    dumpOffset: 0,
    inDump: size,
    truncated: false,
    segment: segment++,
    ...over,
  };
}

/** Deliberately not in address order (PT_LOADs need not be sorted). */
export const REGIONS: Region[] = [
  region(0x7f0000002000n, 0x800000, { kind: 'Stack', tid: 101 }),
  region(0x400000n, 0x1000, {
    kind: 'Image',
    type: 'MEM_IMAGE',
    protect: 'PAGE_EXECUTE_READ',
    perms: 'r-x',
    image: '/usr/bin/app',
  }),
  region(0x7f0000000000n, 0x1000, {
    kind: 'StackGuard',
    state: 'MEM_RESERVE',
    protect: 'PAGE_NOACCESS',
    perms: '---',
    inDump: 0,
    tid: 101,
  }),
  region(0x7f1000000000n, 0x200000, {
    kind: 'Image',
    type: 'MEM_IMAGE',
    protect: 'PAGE_READONLY',
    perms: 'r--',
    image: '/usr/lib/libc.so.6',
    inDump: 0x1000,
  }),
  region(0x600000n, 0x21000, {
    kind: 'Heap',
    heuristic: { name: 'brk-heap-after-executable', evidence: 'right after /usr/bin/app' },
  }),
  region(0xffffffffff600000n, 0x1000, { kind: 'PAGE_EXECUTE_READ', protect: 'PAGE_EXECUTE_READ', perms: 'r-x' }),
];

export const COLS = regionColumns(REGIONS);
