// @vitest-environment jsdom
import '../../../tests/helpers/jsdom-layout';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnalysisView, MemoryResult } from '../../../workers/engine-protocol';
import { prepareRegions } from '../regions/region-model';
import { COLS } from '../../../tests/helpers/regions-fixture';
import { HexView } from './HexView';

const VIEW = { id: 1, overview: { dump: { bits: 64, endian: 'little' } }, regions: COLS } as unknown as AnalysisView;

/** Memory where the first 8 bytes of every 16 are a pointer to 0x400010 (in the app image) and the rest is absent. */
function fakeRead(address: bigint, length: number): Promise<MemoryResult> {
  const bytes = new Uint8Array(length);
  const present = new Uint8Array(length);
  const links = [];
  for (let at = 0; at < length; at += 16) {
    new DataView(bytes.buffer).setBigUint64(at, 0x400010n, true);
    present.fill(1, at, at + 8);
    links.push({ offset: at, target: 0x400010n, region: 1, label: 'app+0x10' });
  }
  return Promise.resolve({ ok: true, address, bytes, present, links });
}

afterEach(cleanup);

describe('HexView', () => {
  it('shows the region’s `dp` lines, absent words as ????????, and pointer links that navigate', async () => {
    const onNavigate = vi.fn();
    const read = vi.fn(fakeRead);
    render(
      <HexView
        view={VIEW}
        prepared={prepareRegions(COLS)}
        address={0x7f0000002010n}
        mode="pointers"
        onNavigate={onNavigate}
        onMode={() => undefined}
        readMemory={read}
      />,
    );
    await act(() => Promise.resolve());
    const region = screen.getByRole('region', { name: 'Memory at 0x7f0000002010' });
    const target = region.querySelector('.hex-row.target');
    expect(target?.textContent).toContain('00007f00`00002010  00000000`00400010 ????????`????????');
    // Only the chunks on screen were read, 4 KiB each.
    expect(read.mock.calls.every(([, length]) => length === 4096)).toBe(true);
    expect(read.mock.calls.length).toBeLessThanOrEqual(2);
    expect(screen.getByTestId('hex-where').textContent).toContain('Stack (thread 101)');
    fireEvent.click(within(target as HTMLElement).getByRole('button', { name: 'app+0x10' }));
    expect(onNavigate).toHaveBeenCalledWith(0x400010n);
  });

  it('says why a typed address is not one, and goes to one that is', () => {
    const onNavigate = vi.fn();
    render(
      <HexView
        view={VIEW}
        prepared={prepareRegions(COLS)}
        address={0x400000n}
        mode="bytes"
        onNavigate={onNavigate}
        onMode={() => undefined}
        readMemory={fakeRead}
      />,
    );
    const box = screen.getByLabelText('Address');
    fireEvent.change(box, { target: { value: 'nope' } });
    fireEvent.submit(box);
    expect(screen.getByRole('alert').textContent).toContain('is not an address');
    fireEvent.change(box, { target: { value: '00007f00`00002000' } });
    fireEvent.submit(box);
    expect(onNavigate).toHaveBeenCalledWith(0x7f0000002000n);
  });
});
