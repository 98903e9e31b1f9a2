// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModuleRow } from '../../../workers/engine-protocol';
import type { ModuleSymbolStatus } from '../../core/types';
import { ModulesPanel } from './ModulesPanel';

afterEach(cleanup);

const DOTNET = '/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.8';
const MODULES: readonly ModuleRow[] = [
  { path: '/srv/app/server', start: '0x555500000000', end: '0x555500004000', buildId: 'aa11' },
  { path: '/usr/lib/x86_64-linux-gnu/libc.so.6', start: '0x7f0000000000', end: '0x7f00001d6000', buildId: 'bb22' },
  { path: `${DOTNET}/libcoreclr.so`, start: '0x7f2000000000', end: '0x7f2000700000', buildId: 'cc33' },
  { path: `${DOTNET}/libSystem.Native.so`, start: '0x7f1000000000', end: '0x7f1000020000' },
];
const SYMBOLS: readonly ModuleSymbolStatus[] = [
  { path: '/srv/app/server', symbols: 'file', symbolFile: 'server.debug', buildId: 'aa11' },
  { path: '/usr/lib/x86_64-linux-gnu/libc.so.6', symbols: 'dump', buildId: 'bb22' },
  { path: `${DOTNET}/libcoreclr.so`, symbols: 'build-id-mismatch', buildId: 'cc33' },
  { path: `${DOTNET}/libSystem.Native.so`, symbols: 'missing' },
];

const symbolsColumn = (): string[] =>
  within(screen.getByRole('table'))
    .getAllByRole('row')
    .slice(1)
    .map((r) => within(r).getAllByRole('cell')[3]?.textContent ?? '');

describe('ModulesPanel', () => {
  it("says where each module's symbols came from", () => {
    render(<ModulesPanel modules={MODULES} symbols={SYMBOLS} />);
    expect(screen.getByRole('columnheader', { name: 'Symbols' })).toBeTruthy();
    expect(symbolsColumn()).toEqual(['matched (server.debug)', 'from the dump', 'build-id differs', 'not found']);
  });

  it('names the modules whose files would give better stacks, beside "Add binaries…"', () => {
    const onAdd = vi.fn();
    render(<ModulesPanel modules={MODULES} symbols={SYMBOLS} onAddBinaries={onAdd} />);
    expect(screen.getByTestId('better-stacks').textContent).toBe(
      'Stacks would be better with the files of libcoreclr.so, libSystem.Native.so: their names and unwind data were ' +
        'not found or the file differs. Add binaries…',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Add binaries…' }));
    expect(onAdd).toHaveBeenCalledTimes(1);
  });

  it('has no Symbols column or advice before the stacks pass, nor advice when every file is there', () => {
    render(<ModulesPanel modules={MODULES} />);
    expect(screen.queryByRole('columnheader', { name: 'Symbols' })).toBeNull();
    expect(screen.queryByTestId('better-stacks')).toBeNull();
    cleanup();
    render(<ModulesPanel modules={MODULES} symbols={SYMBOLS.slice(0, 2)} onAddBinaries={() => undefined} />);
    expect(screen.queryByTestId('better-stacks')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add binaries…' })).toBeNull();
  });
});
