import { describe, expect, it } from 'vitest';
import { compareReports, amount } from '../../src/core/compare/compare-reports';
import { compareText } from '../../src/core/compare/compare-text';
import type { ReportFinding } from '../../src/core/format/report-document';
import { frame, kind, MiB, reportDoc as doc, thread, tids } from '../helpers/report-docs';

// The same code, loaded at other addresses in each process (ASLR): the pcs differ, names and offsets do not.
const RECV_A = [frame('recv', '0x7f0000001000', 0x1000), frame('worker_main', '0x7f0000002000', 0x2000)];
const RECV_B = [frame('recv', '0x7e5500001000', 0x1000), frame('worker_main', '0x7e5500002000', 0x2000)];
const POLL_A = [frame('poll', '0x7f0000003000', 0x3000), frame('main', '0x7f0000004000', 0x4000)];
const POLL_B = [frame('poll', '0x7e5500003000', 0x3000), frame('main', '0x7e5500004000', 0x4000)];
const TIMER_A = [frame(undefined, '0x7f0000005000', 0x5000)];
const LOCK_B = [frame('pthread_mutex_lock', '0x7e5500006000', 0x6000)];

describe('compareReports', () => {
  it('matches stack groups by names and module offsets, not pcs: grew, shrank, new and gone', () => {
    const a = doc({
      name: 'a.core',
      stackGroups: [
        { threads: tids(100, 50), frames: RECV_A },
        { threads: tids(10, 4), frames: POLL_A },
        { threads: [7], frames: TIMER_A },
      ],
    });
    const b = doc({
      name: 'b.core',
      stackGroups: [
        { threads: tids(300, 200), frames: RECV_B },
        { threads: tids(20, 3), frames: LOCK_B },
        { threads: tids(10, 2), frames: POLL_B },
      ],
    });
    const c = compareReports(a, b);
    expect(c.stackGroups?.map((g) => [g.status, g.threads.a, g.threads.b, g.threads.diff])).toEqual([
      ['grew', 50, 200, 150],
      ['new', 0, 3, 3],
      ['shrank', 4, 2, -2],
      ['gone', 1, 0, -1],
    ]);
    const [grew, added] = c.stackGroups ?? [];
    // A group A has links to A's threads; one only B has links nowhere in A.
    expect(grew?.link).toEqual({ view: 'threads', tids: tids(100, 50) });
    expect(grew?.tidsB).toEqual(tids(300, 200));
    expect(grew?.key).toBe('/usr/bin/server!recv\n/usr/bin/server!worker_main');
    expect(added?.link).toBeUndefined();
    expect(added?.frames).toEqual(LOCK_B);
  });

  it('names a frame without a symbol by its offset in its module', () => {
    const a = doc({ name: 'a', stackGroups: [{ threads: [1], frames: TIMER_A }] });
    const b = doc({
      name: 'b',
      stackGroups: [{ threads: [2, 3], frames: [frame(undefined, '0x7e5500005000', 0x5000)] }],
    });
    expect(compareReports(a, b).stackGroups?.[0]).toMatchObject({
      status: 'grew',
      key: '/usr/bin/server+0x5000',
      threads: { a: 1, b: 2, diff: 1, percent: 100 },
    });
  });

  it('compares per-kind totals biggest size difference first, with kinds on one side only', () => {
    const a = doc({
      name: 'a',
      totals: [
        kind('Heap', 3, 64 * MiB),
        kind('Stack', 51, 400 * MiB),
        kind('Image', 15, 2 * MiB),
        kind('Gone', 1, MiB / 2),
      ],
    });
    const b = doc({
      name: 'b',
      totals: [
        kind('Heap', 3, 65 * MiB),
        kind('Stack', 201, 1600 * MiB),
        kind('Image', 15, 2 * MiB),
        kind('New', 2, 8 * MiB),
      ],
    });
    const c = compareReports(a, b);
    expect(c.kinds.map((k) => [k.kind, k.presence, k.size.diff / MiB, k.count.diff])).toEqual([
      ['Stack', 'both', 1200, 150],
      ['New', 'only-b', 8, 2],
      ['Heap', 'both', 1, 0],
      ['Gone', 'only-a', -0.5, -1],
      ['Image', 'both', 0, 0],
    ]);
    expect(c.kinds[0]?.link).toEqual({ view: 'regions', kind: 'Stack' });
    expect(c.kinds[1]?.link).toBeUndefined();
    expect(c.kinds[1]?.size.percent).toBeNull();
    expect(c.kinds[0]?.count.percent).toBe(294.12);
  });

  it('links images to the Regions view filtered by their path', () => {
    const a = doc({ name: 'a', imageTotals: [{ image: '/lib/libc.so.6', count: 4, size: 2 * MiB, inDump: 0 }] });
    const b = doc({
      name: 'b',
      imageTotals: [
        { image: '/lib/libc.so.6', count: 4, size: 2 * MiB, inDump: 0 },
        { image: '/lib/libssl.so.3', count: 5, size: 3 * MiB, inDump: 0 },
      ],
    });
    const c = compareReports(a, b);
    expect(c.images.map((i) => [i.image, i.presence, i.link])).toEqual([
      ['/lib/libssl.so.3', 'only-b', undefined],
      ['/lib/libc.so.6', 'both', { view: 'regions', text: '/lib/libc.so.6' }],
    ]);
  });

  it('compares stack sizes: reserve, used, and threads per reserve size', () => {
    const a = doc({
      name: 'a',
      threads: [thread(1, 132 * 1024, 4000), ...tids(10, 2).map((t) => thread(t, 8 * MiB, 1000))],
    });
    const b = doc({
      name: 'b',
      threads: [thread(1, 132 * 1024, 4000), ...tids(10, 4).map((t) => thread(t, 8 * MiB, 3000)), thread(99)],
    });
    const s = compareReports(a, b).stackSizes;
    expect(s.threadsWithStack).toEqual(amount(3, 5));
    expect(s.reserve.total.diff).toBe(16 * MiB);
    expect(s.used.max).toEqual(amount(4000, 4000));
    expect(s.used.median).toEqual(amount(1000, 3000));
    expect(s.touched).toBeUndefined();
    expect(s.byReserve.map((r) => [r.size, r.threads.a, r.threads.b])).toEqual([
      [8 * MiB, 2, 4],
      [132 * 1024, 1, 1],
    ]);
    expect(s.byReserve[0]?.link).toEqual({ view: 'threads', tids: [10, 11] });
  });

  describe('findings', () => {
    const finding = (
      id: string,
      title: string,
      evidence: ReportFinding['evidence'] = [],
      severity: ReportFinding['severity'] = 'warning',
    ): ReportFinding => ({ id, severity, title, detail: '', evidence });
    const sameStack = (n: number, where: string, group: number, from: number) =>
      finding('same-stack', `${n} threads in ${where}`, [
        { kind: 'stack-group', group, text: '' },
        { kind: 'threads', tids: tids(from, n), text: '' },
      ]);
    const reserve = (n: number, size: string) =>
      finding('thread-stacks-reserve', `${n} thread stacks reserve ${size}`, [
        { kind: 'threads', tids: tids(1, n), text: '' },
        // The largest group, named as further evidence: not what the finding is about.
        { kind: 'stack-group', group: 0, text: '' },
      ]);

    it('pairs findings by rule id, same-stack ones by their stack group: other figures make a change', () => {
      const a = doc({
        name: 'a',
        stackGroups: [
          { threads: tids(100, 50), frames: RECV_A },
          { threads: tids(10, 12), frames: POLL_A },
        ],
        findings: [
          reserve(51, '400 MiB'),
          sameStack(50, 'recv', 0, 100),
          sameStack(12, 'poll', 1, 10),
          finding('glibc-arenas', '4 malloc arena heaps reserve 256 MiB'),
        ],
      });
      // In B the lock group is the largest: the groups' indices differ from A's.
      const b = doc({
        name: 'b',
        stackGroups: [
          { threads: tids(500, 300), frames: LOCK_B },
          { threads: tids(300, 200), frames: RECV_B },
          { threads: tids(10, 12), frames: POLL_B },
        ],
        findings: [
          reserve(513, '4.01 GiB'),
          sameStack(300, 'pthread_mutex_lock', 0, 500),
          sameStack(200, 'recv', 1, 300),
          sameStack(12, 'poll', 2, 10),
          finding('glibc-arenas', '4 malloc arena heaps reserve 256 MiB'),
        ],
      });
      const f = compareReports(a, b).findings;
      expect(f?.onlyA).toEqual([]);
      expect(f?.onlyB.map((x) => [x.id, x.title, x.link])).toEqual([
        ['same-stack', '300 threads in pthread_mutex_lock', undefined],
      ]);
      expect(f?.changed).toEqual([
        {
          id: 'same-stack',
          a: { title: '50 threads in recv', severity: 'warning' },
          b: { title: '200 threads in recv', severity: 'warning' },
          link: { view: 'threads', tids: tids(100, 50) },
        },
        {
          id: 'thread-stacks-reserve',
          a: { title: '51 thread stacks reserve 400 MiB', severity: 'warning' },
          b: { title: '513 thread stacks reserve 4.01 GiB', severity: 'warning' },
          link: { view: 'threads', tids: tids(1, 51) },
        },
      ]);
      expect(f?.same.map((x) => [x.id, x.title])).toEqual([
        ['glibc-arenas', '4 malloc arena heaps reserve 256 MiB'],
        ['same-stack', '12 threads in poll'],
      ]);
    });

    it('keeps findings about two different stack groups apart, even when each side has one', () => {
      const a = doc({
        name: 'a',
        stackGroups: [{ threads: tids(100, 50), frames: RECV_A }],
        findings: [sameStack(50, 'recv', 0, 100)],
      });
      const b = doc({
        name: 'b',
        stackGroups: [{ threads: tids(10, 20), frames: POLL_B }],
        findings: [sameStack(20, 'poll', 0, 10)],
      });
      const f = compareReports(a, b).findings;
      expect(f?.onlyA.map((x) => [x.title, x.link])).toEqual([
        ['50 threads in recv', { view: 'threads', tids: tids(100, 50) }],
      ]);
      expect(f?.onlyB.map((x) => x.title)).toEqual(['20 threads in poll']);
      expect(f?.changed).toEqual([]);
    });

    it('pairs findings whose subject is not known in order, and a change of severity alone is a change', () => {
      // Reports without their stack groups: the findings' groups cannot be named, only counted in order.
      const a = doc({
        name: 'a',
        findings: [sameStack(40, 'recv', 0, 1), sameStack(9, 'poll', 1, 50)],
      });
      const b = doc({
        name: 'b',
        findings: [
          sameStack(40, 'recv', 0, 1),
          { ...sameStack(9, 'poll', 1, 50), severity: 'info' },
          sameStack(8, 'accept', 2, 70),
        ],
      });
      const f = compareReports(a, b).findings;
      expect(f?.same.map((x) => x.title)).toEqual(['40 threads in recv']);
      expect(f?.changed.map((c) => [c.a.severity, c.b.severity, c.b.title])).toEqual([
        ['warning', 'info', '9 threads in poll'],
      ]);
      expect(f?.onlyB.map((x) => x.title)).toEqual(['8 threads in accept']);
      expect(f?.onlyA).toEqual([]);
    });

    it('prints only in A, only in B, changed (A over B) and a count of the rest', () => {
      const a = doc({
        name: 'a',
        stackGroups: [{ threads: tids(100, 50), frames: RECV_A }],
        findings: [sameStack(50, 'recv', 0, 100), finding('incomplete-dump', '4 MiB not in the dump')],
      });
      const b = doc({
        name: 'b',
        stackGroups: [{ threads: tids(300, 200), frames: RECV_B }],
        findings: [sameStack(200, 'recv', 0, 300), finding('glibc-arenas', '2 malloc arena heaps', [], 'info')],
      });
      const text = compareText(compareReports(a, b));
      expect(text).toContain(
        [
          'Findings only in A:',
          '  [warning] 4 MiB not in the dump (incomplete-dump)',
          'Findings only in B:',
          '  [info] 2 malloc arena heaps (glibc-arenas)',
          'Findings changed (A → B):',
          '  [warning] 50 threads in recv (same-stack)',
          '    → [warning] 200 threads in recv',
          '0 findings the same on both sides.',
        ].join('\n'),
      );
    });
  });

  it('leaves out what one side lacks: stack groups without a stacks pass, findings in an old report', () => {
    const a = doc({ name: 'a', stackGroups: [{ threads: [1], frames: POLL_A }], findings: [] });
    const b = doc({ name: 'b' });
    const c = compareReports(a, b);
    expect(c.stackGroups).toBeUndefined();
    expect(c.findings).toBeUndefined();
    expect(c.a.stacks).toBe(true);
    expect(c.b.stacks).toBe(false);
    const text = compareText(c);
    expect(text).toContain('Stack groups: not compared (no stacks pass in B).');
    expect(text).toContain('Findings: not compared');
  });

  it('prints the differences as text, biggest first', () => {
    const a = doc({
      name: 'a.core',
      totals: [kind('Stack', 51, 400 * MiB)],
      threads: tids(1, 51).map((t) => thread(t)),
      stackGroups: [{ threads: tids(100, 50), frames: RECV_A }],
      findings: [],
    });
    const b = doc({
      name: 'b.core',
      totals: [kind('Stack', 201, 1600 * MiB)],
      threads: tids(1, 201).map((t) => thread(t)),
      stackGroups: [{ threads: tids(300, 200), frames: RECV_B }],
      findings: [],
    });
    const text = compareText(compareReports(a, b));
    expect(text).toContain('Threads: 51 → 201 (+150, +294.12%)');
    expect(text).toMatch(
      /\| Stack +\| +51 \| +201 \| +\+150 \| 400\.00 MiB \| +1\.56 GiB \| +\+1\.17 GiB \| \+300\.00%/,
    );
    expect(text).toMatch(/\| +50 \| +200 \| \+150 \| grew +\| recv ← worker_main/);
  });
});
