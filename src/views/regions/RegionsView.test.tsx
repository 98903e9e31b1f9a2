// @vitest-environment jsdom
import '../../../tests/helpers/jsdom-layout';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnalysisView } from '../../../workers/engine-protocol';
import type { RegionFilter, SortSpec } from '../../state/hash-state';
import { TooltipProvider } from '../common/Tooltip';
import { COLS } from '../../../tests/helpers/regions-fixture';
import { prepareRegions } from './region-model';
import { RegionsView } from './RegionsView';

const VIEW = {
  id: 1,
  fileName: 'test.core',
  analyzeMs: 1,
  overview: { dump: { bits: 64 } },
  regions: COLS,
  totals: [],
  imageTotals: [],
  threads: [],
} as unknown as AnalysisView;

function Harness({ exportText = vi.fn() }: { exportText?: () => Promise<string> }) {
  const [filter, setFilter] = useState<RegionFilter>({ text: '' });
  const [sort, setSort] = useState<SortSpec>();
  const [selected, setSelected] = useState<number>();
  return (
    <TooltipProvider>
      <RegionsView
        view={VIEW}
        prepared={prepareRegions(COLS)}
        filter={filter}
        sort={sort}
        selected={selected}
        scrollKey={0}
        onFilter={(f, select) => {
          setFilter(f);
          if (select !== undefined) setSelected(select);
        }}
        onSort={setSort}
        onSelect={setSelected}
        onShowThread={() => undefined}
        exportText={exportText}
      />
    </TooltipProvider>
  );
}

const cells = (row: HTMLElement) =>
  within(row)
    .getAllByRole('gridcell')
    .map((c) => c.textContent);
const dataRows = () => screen.getAllByRole('row').filter((r) => r.hasAttribute('data-index'));

afterEach(cleanup);

describe('RegionsView', () => {
  it('renders the maddress columns, in address order, with addresses in table form', () => {
    render(<Harness />);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent.replace(/[▲▼]/g, ''))).toEqual([
      'Memory Kind',
      'StartAddr',
      'EndAddr-1',
      'Size',
      'Type',
      'State',
      'Protect',
      'In Dump',
      'Tid',
      'Image',
    ]);
    const first = dataRows()[0];
    expect(first && cells(first)).toEqual([
      'Image',
      '000000400000',
      '000000400fff',
      '4.00kb',
      'MEM_IMAGE',
      'MEM_COMMIT',
      'PAGE_EXECUTE_READ',
      '4.00kb',
      '',
      '/usr/bin/app',
    ]);
    expect(screen.getByText('6 of 6 regions')).toBeTruthy();
  });

  it('sorts on header clicks and says so with aria-sort', () => {
    render(<Harness />);
    const header = screen.getByRole('columnheader', { name: /^Size/ });
    expect(header.getAttribute('aria-sort')).toBe('none');
    fireEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    expect(cells(dataRows()[0] as HTMLElement)[0]).toBe('Stack');
    fireEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('ascending');
  });

  it('filters by kind and selects the region holding a typed address', () => {
    render(<Harness />);
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'Image' } });
    expect(dataRows().map((r) => cells(r)[9])).toEqual(['/usr/bin/app', '/usr/lib/libc.so.6']);
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    fireEvent.change(screen.getByLabelText('Path or address'), { target: { value: '0x600010' } });
    const selected = dataRows().filter((r) => r.getAttribute('aria-selected') === 'true');
    expect(selected.map((r) => cells(r)[1])).toEqual(['000000600000']);
    expect(screen.getByRole('region', { name: 'Selected region' }).textContent).toContain('brk-heap-after-executable');
  });

  it('marks heuristic kinds and shows the evidence on keyboard focus', () => {
    render(<Harness />);
    const badge = screen.getByRole('img', { name: 'heuristic' });
    act(() => badge.focus());
    expect(screen.getByRole('tooltip').textContent).toContain('right after /usr/bin/app');
    expect(badge.getAttribute('aria-describedby')).toBe('coreview-tooltip');
    act(() => badge.blur());
    expect(screen.queryByRole('tooltip')).toBeNull();
  });

  it('moves the selection with the keyboard', () => {
    render(<Harness />);
    const grid = screen.getByRole('grid', { name: 'Regions' });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    const selected = dataRows().find((r) => r.getAttribute('aria-selected') === 'true');
    expect(selected && cells(selected)[0]).toContain('Heap');
    fireEvent.keyDown(grid, { key: 'End' });
    expect(
      dataRows()
        .find((r) => r.getAttribute('aria-selected') === 'true')
        ?.getAttribute('aria-rowindex'),
    ).toBe('7');
  });

  it('copies the rows on screen, in their order', async () => {
    const exportText = vi.fn(() => Promise.resolve('text'));
    Object.assign(navigator, { clipboard: { writeText: vi.fn(() => Promise.resolve()) } });
    render(<Harness exportText={exportText} />);
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'Image' } });
    await act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Copy as text' }));
      return Promise.resolve();
    });
    expect(exportText).toHaveBeenCalledWith({ kind: 'regions-text', rows: Uint32Array.from([1, 3]) });
  });
});
