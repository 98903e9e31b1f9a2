import { describe, expect, it } from 'vitest';
import { hexAddress } from '../../src/core/format/address';
import { regionsCsv } from '../../src/core/format/csv';
import type { ReportRegion } from '../../src/core/format/report-document';
import type { Region } from '../../src/core/types';
import { region as fixture } from '../helpers/regions-fixture';

/** A hand-made region as the JSON document holds it, with its census result when given. */
function region(start: bigint, size: number, over: Partial<Region> = {}, touched?: number): ReportRegion {
  const { start: s, end, segment: _segment, truncated: _truncated, ...rest } = fixture(start, size, over);
  return { ...rest, start: hexAddress(s), end: hexAddress(end), ...(touched !== undefined ? { touched } : {}) };
}

describe('region CSV', () => {
  it('writes one line per region with hex addresses, quoting and defusing spreadsheet formulas', () => {
    const csv = regionsCsv(
      [
        region(0x1000n, 0x2000, { kind: 'Stack', tid: 7 }),
        region(0x3000n, 4096, { kind: 'MappedFile', image: '=cmd|"x",y', fileOffset: 4096, inDump: 0x2000 }),
      ],
      false,
    );
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('kind,heuristic,start,end,size,type,state,protect,inDump,tid,image,fileOffset');
    expect(lines[1]).toBe('Stack,,0x1000,0x3000,8192,MEM_PRIVATE,MEM_COMMIT,PAGE_READWRITE,8192,7,,');
    expect(lines[2]).toBe(
      `MappedFile,,0x3000,0x4000,4096,MEM_PRIVATE,MEM_COMMIT,PAGE_READWRITE,8192,,"'=cmd|""x"",y",4096`,
    );
    expect(lines[3]).toBe('');
  });

  it('adds a touched column when the census is given, empty where a region is not in yet', () => {
    const csv = regionsCsv(
      [region(0x1000n, 0x2000, { kind: 'Stack' }, 4096), region(0x5000n, 0x2000, { kind: 'Stack' })],
      true,
    );
    const [header, first, second] = csv.split('\r\n');
    expect(header).toBe('kind,heuristic,start,end,size,type,state,protect,inDump,touched,tid,image,fileOffset');
    expect(first?.split(',')[9]).toBe('4096');
    expect(second?.split(',')[9]).toBe('');
  });
});

describe('region CSV: what the dump does not record', () => {
  it('prints ? for an unknown state and protection (the JSON says "unknown")', () => {
    const csv = regionsCsv(
      [
        region(0x1000n, 0x1000, {
          kind: 'Image',
          type: 'MEM_IMAGE',
          state: 'unknown',
          protect: 'unknown',
          perms: '???',
          image: '/lib/x.so',
          inDump: 0,
        }),
      ],
      false,
    );
    expect(csv.split('\r\n')[1]).toBe('Image,,0x1000,0x2000,4096,MEM_IMAGE,?,?,0,,/lib/x.so,');
  });
});
