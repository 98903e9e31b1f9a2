import { describe, expect, it } from 'vitest';
import { coreBuilder } from '../tests/helpers/core-builder';
import { analyzeBytes } from '../tests/helpers/run-engine';
import { sampleCore } from '../tests/helpers/sample-cores';
import { region } from '../tests/helpers/regions-fixture';
import { analysisView, regionColumns } from './analysis-view';

describe('regionColumns ranks', () => {
  it('are the indices when the regions come in address order (the engine’s order)', () => {
    const cols = regionColumns([region(0x1000n, 0x1000), region(0x2000n, 0x1000), region(0x5000n, 0x1000)]);
    expect(Array.from(cols.startRank)).toEqual([0, 1, 2]);
    expect(Array.from(cols.endRank)).toEqual([0, 1, 2]);
  });

  it('sort by address otherwise, ties in region order', () => {
    const cols = regionColumns([region(0x5000n, 0x1000), region(0x1000n, 0x7000), region(0x1000n, 0x1000)]);
    expect(Array.from(cols.startRank)).toEqual([2, 0, 1]);
    expect(Array.from(cols.endRank)).toEqual([1, 2, 0]);
  });
});

describe('what the page is told about signals', () => {
  it('marks only the thread the signal went to: not the others a kernel core repeats it in', async () => {
    const view = analysisView(1, 'x', await analyzeBytes(sampleCore()), 0);
    expect(view.threads.map((t) => [t.signalName, t.crashed, t.signalled])).toEqual([
      ['SIGSEGV', true, true],
      ['SIGSEGV', false, false],
    ]);
    expect(view.overview.process.snapshot).toBeUndefined();
  });

  it('a gcore snapshot: no thread signalled, the overview told it is a snapshot', async () => {
    const core = coreBuilder()
      .prpsinfo({ pid: 3 })
      .thread({ tid: 3 })
      .siginfo({ signo: 19, code: 128 })
      .note('GDB', 1, new Uint8Array(8))
      .build();
    const view = analysisView(1, 'x', await analyzeBytes(core), 0);
    expect(view.threads.map((t) => t.signalled)).toEqual([false]);
    expect(view.overview.process).toMatchObject({ snapshot: true, signalName: 'SIGSTOP' });
  });

  it('lists an unknown state and protection as values of their own, for the filters', () => {
    const cols = regionColumns([
      region(0x1000n, 0x1000),
      region(0x2000n, 0x1000, { state: 'unknown', protect: 'unknown', perms: '???', inDump: 0 }),
    ]);
    expect(cols.states).toEqual(['MEM_COMMIT', 'unknown']);
    expect(cols.protects).toEqual(['PAGE_READWRITE', 'unknown']);
    expect(cols.states[cols.state[1] ?? -1]).toBe('unknown');
  });
});
