// @vitest-environment jsdom
import '../../../tests/helpers/jsdom-layout';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SortSpec } from '../../state/hash-state';
import { gridColumn, VirtualTable } from './VirtualTable';

const N = 100_000;
const cellCalls = { count: 0 };
const COLUMNS = [
  gridColumn({
    id: 'index',
    title: 'Index',
    width: '6rem',
    align: 'right',
    sortable: true,
    descFirst: true,
    cell: (i) => (cellCalls.count++, i),
  }),
  gridColumn({ id: 'name', title: 'Name', width: '10rem', sortable: true, cell: (i) => `row ${i}` }),
  gridColumn({ id: 'extra', title: 'Extra', width: '6rem', cell: (i) => `x${i}` }),
];

function Harness({ onSort, hideExtra = false }: { onSort?: (s: SortSpec) => void; hideExtra?: boolean }) {
  const [sort, setSort] = useState<SortSpec>();
  const [selected, setSelected] = useState<number>();
  const rows = Uint32Array.from({ length: N }, (_, i) => (sort?.desc === true ? N - 1 - i : i));
  return (
    <VirtualTable
      label="Things"
      columns={COLUMNS}
      rows={rows}
      sort={sort}
      onSort={(s) => {
        onSort?.(s);
        setSort(s);
      }}
      columnVisibility={{ extra: !hideExtra }}
      selected={selected}
      onSelect={setSelected}
    />
  );
}

const dataRows = () => screen.getAllByRole('row').filter((r) => r.hasAttribute('data-index'));

afterEach(cleanup);

describe('VirtualTable (react-table model, virtual rows)', () => {
  it('renders a window of 100,000 rows: react-table sees only the rows on screen', () => {
    cellCalls.count = 0;
    render(<Harness />);
    const rows = dataRows();
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(80);
    expect(cellCalls.count).toBeLessThan(200);
    expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe(String(N + 1));
    expect(
      within(rows[0] as HTMLElement)
        .getAllByRole('gridcell')
        .map((c) => c.textContent),
    ).toEqual(['0', 'row 0', 'x0']);
  });

  it('sorts through react-table’s toggle: the first direction per column, then flips; aria-sort follows', () => {
    const onSort = vi.fn();
    render(<Harness onSort={onSort} />);
    const index = screen.getByRole('columnheader', { name: /^Index/ });
    const name = screen.getByRole('columnheader', { name: /^Name/ });
    expect(index.getAttribute('aria-sort')).toBe('none');
    expect(screen.getByRole('columnheader', { name: 'Extra' }).getAttribute('aria-sort')).toBeNull();
    fireEvent.click(within(index).getByRole('button'));
    expect(onSort).toHaveBeenLastCalledWith({ column: 'index', desc: true });
    expect(index.getAttribute('aria-sort')).toBe('descending');
    expect(dataRows()[0]?.getAttribute('data-index')).toBe(String(N - 1));
    fireEvent.click(within(index).getByRole('button'));
    expect(onSort).toHaveBeenLastCalledWith({ column: 'index', desc: false });
    fireEvent.click(within(name).getByRole('button'));
    expect(onSort).toHaveBeenLastCalledWith({ column: 'name', desc: false });
    expect(name.getAttribute('aria-sort')).toBe('ascending');
    expect(index.getAttribute('aria-sort')).toBe('none');
  });

  it('hides columns through react-table’s column visibility', () => {
    render(<Harness hideExtra />);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent.replace(/[▲▼]/g, ''))).toEqual([
      'Index',
      'Name',
    ]);
    expect(within(dataRows()[0] as HTMLElement).getAllByRole('gridcell')).toHaveLength(2);
    expect(screen.getByRole('grid').getAttribute('aria-colcount')).toBe('2');
  });

  it('keeps the keyboard: End selects the last row', () => {
    render(<Harness />);
    const grid = screen.getByRole('grid');
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(
      dataRows()
        .find((r) => r.getAttribute('aria-selected') === 'true')
        ?.getAttribute('data-index'),
    ).toBe('0');
    fireEvent.keyDown(grid, { key: 'End' });
    expect(grid.getAttribute('aria-activedescendant')).toMatch(/-r99999$/);
  });
});
