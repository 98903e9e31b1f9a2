// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessEnvironment } from '../../core/types';
import { EnvironmentPanel } from './EnvironmentPanel';

afterEach(cleanup);

const ENV: ProcessEnvironment = {
  argv: ['/srv/app/server', '--port', '8080'],
  env: [
    { name: 'PATH', value: '/usr/local/bin:/usr/bin', address: 0x7ffd0000f000n },
    { name: 'DOTNET_gcServer', value: '1', address: 0x7ffd0000f020n },
    { name: 'DB_PASSWORD', value: 'hunter2-s3cret', address: 0x7ffd0000f030n },
    { name: 'DOTNET_DefaultStackSize', value: '180000', address: 0x7ffd0000f050n },
  ],
  address: 0x7ffd0000f000n,
  warnings: ['the last string runs past the stack top'],
};

const names = (): string[] =>
  within(screen.getByRole('table'))
    .getAllByRole('row')
    .slice(1)
    .map((r) => within(r).getAllByRole('cell')[0]?.textContent ?? '');

describe('EnvironmentPanel', () => {
  it('lists the names with the values hidden until asked for', () => {
    render(<EnvironmentPanel environment={ENV} />);
    expect(screen.getByRole('heading', { name: 'Environment (4)' })).toBeTruthy();
    expect(names()).toEqual(['PATH', 'DOTNET_gcServer', 'DB_PASSWORD', 'DOTNET_DefaultStackSize']);
    expect(screen.queryByText('hunter2-s3cret')).toBeNull();
    expect(document.body.textContent).not.toContain('hunter2');
    expect(screen.getByText(/As the process started/)).toBeTruthy();

    const toggle = screen.getByRole('button', { name: 'Show values' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(toggle);
    expect(screen.getByText('hunter2-s3cret')).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: 'Value' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Hide values' }));
    expect(document.body.textContent).not.toContain('hunter2');
  });

  it('filters by name, and by value only once values are shown', () => {
    render(<EnvironmentPanel environment={ENV} />);
    const box = screen.getByRole('searchbox');
    fireEvent.change(box, { target: { value: 'dotnet' } });
    expect(names()).toEqual(['DOTNET_gcServer', 'DOTNET_DefaultStackSize']);
    expect(screen.getByText('2 of 4 variables')).toBeTruthy();
    // A value is not searchable while hidden: searching would reveal it a character at a time.
    fireEvent.change(box, { target: { value: 'hunter' } });
    expect(screen.getByText('No variable matches the filter.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show values' }));
    expect(names()).toEqual(['DB_PASSWORD']);
  });

  it('says what it could not read', () => {
    render(<EnvironmentPanel environment={ENV} />);
    expect(screen.getByText('the last string runs past the stack top')).toBeTruthy();
  });
});
