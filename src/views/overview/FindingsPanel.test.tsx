// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../core/types';
import { FindingsPanel } from './FindingsPanel';

afterEach(cleanup);

const STACKS: Finding = {
  id: 'thread-stacks-reserve',
  severity: 'warning',
  title: '788 threads reserve 1.15 GiB of stack',
  detail: 'Each thread of the receive loop reserves 1.5 MiB and uses at most 12 KiB.',
  advice: 'Set DOTNET_DefaultStackSize=140000 in the process’s environment: the value is read as hexadecimal.',
  fix: 'DOTNET_DefaultStackSize=140000',
  evidence: [
    { kind: 'threads', tids: [1012, 1013, 1014], text: '3 threads in SystemNative_ReceiveMessage' },
    { kind: 'regions', starts: [0x7f0000000000n, 0x7f0000200000n], text: '2 stack regions' },
    { kind: 'stack-group', group: 0, text: 'stack group 1' },
    { kind: 'environment', name: 'DOTNET_gcServer', value: '1', text: 'DOTNET_gcServer=1' },
    { kind: 'module', path: '/usr/lib/libcoreclr.so', text: 'libcoreclr.so 8.0.8' },
    { kind: 'fact', text: 'The default stack size of .NET on Linux is 1.5 MiB.' },
  ],
};

const PROBLEM: Finding = {
  id: 'incomplete-dump',
  severity: 'problem',
  title: 'The dump is truncated',
  detail: '2.1 GiB of memory is missing from the file.',
  evidence: [],
};

const INFO: Finding = {
  id: 'same-stack',
  severity: 'info',
  title: 'Most threads wait in the same place',
  detail: '788 of 800 threads are in recvmsg.',
  evidence: [],
  needsCensus: true,
};

describe('FindingsPanel', () => {
  it('lists problems first, each with its severity, title, detail, advice, and the setting in code style', () => {
    render(<FindingsPanel findings={[INFO, STACKS, PROBLEM]} status="done" />);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Findings (3)');
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual([
      '✖Problem: The dump is truncated',
      '▲Warning: 788 threads reserve 1.15 GiB of stack',
      'iNote: Most threads wait in the same place',
    ]);
    expect(screen.getByText('DOTNET_DefaultStackSize=140000').tagName).toBe('CODE');
    expect(screen.getByText(/the value is read as hexadecimal/).tagName).toBe('P');
    expect(screen.getByText('From the memory census (touched pages).')).toBeTruthy();
  });

  it('copies the setting', async () => {
    const writeText = vi.fn((_text: string) => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    render(<FindingsPanel findings={[STACKS]} status="done" />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await screen.findByText('Copied')).toBeTruthy();
    expect(writeText).toHaveBeenCalledWith('DOTNET_DefaultStackSize=140000');
  });

  it('links every kind of evidence to its callback', () => {
    const cb = {
      onShowThreads: vi.fn(),
      onShowRegions: vi.fn(),
      onShowStackGroup: vi.fn(),
      onShowEnvironment: vi.fn(),
      onShowModule: vi.fn(),
    };
    render(<FindingsPanel findings={[STACKS]} status="done" {...cb} />);
    const evidence = screen.getByRole('list', { name: 'Evidence' });
    const click = (name: string) => fireEvent.click(within(evidence).getByRole('button', { name }));
    click('3 threads in SystemNative_ReceiveMessage');
    expect(cb.onShowThreads).toHaveBeenCalledWith([1012, 1013, 1014], '3 threads in SystemNative_ReceiveMessage');
    click('2 stack regions');
    expect(cb.onShowRegions).toHaveBeenCalledWith([0x7f0000000000n, 0x7f0000200000n], '2 stack regions');
    click('stack group 1');
    expect(cb.onShowStackGroup).toHaveBeenCalledWith(0, 'stack group 1');
    click('DOTNET_gcServer=1');
    expect(cb.onShowEnvironment).toHaveBeenCalledWith('DOTNET_gcServer');
    click('libcoreclr.so 8.0.8');
    expect(cb.onShowModule).toHaveBeenCalledWith('/usr/lib/libcoreclr.so');
    // A fact is text: nothing to open.
    expect(within(evidence).getAllByRole('button')).toHaveLength(5);
    expect(within(evidence).getByText('The default stack size of .NET on Linux is 1.5 MiB.').tagName).toBe('LI');
  });

  it('shows evidence as text where the page has nowhere to open it', () => {
    render(<FindingsPanel findings={[STACKS]} status="done" />);
    const evidence = screen.getByRole('list', { name: 'Evidence' });
    expect(within(evidence).queryAllByRole('button')).toHaveLength(0);
    expect(
      within(evidence)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(STACKS.evidence.map((e) => e.text));
  });

  it('says findings may still come while the pass runs, and nothing stands out when there are none', () => {
    render(<FindingsPanel findings={[]} status="running" />);
    expect(screen.getByRole('status').textContent).toBe("Walking the threads' stacks: more findings may come.");
    cleanup();
    render(<FindingsPanel findings={[]} status="done" />);
    expect(screen.getByText('Nothing stands out.')).toBeTruthy();
    cleanup();
    const { container } = render(<FindingsPanel findings={[]} status="off" />);
    expect(container.innerHTML).toBe('');
  });
});
