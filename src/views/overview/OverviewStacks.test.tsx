// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { analyzeBytes } from '../../../tests/helpers/run-engine';
import { sampleCore } from '../../../tests/helpers/sample-cores';
import { analysisView } from '../../../workers/analysis-view';
import type { AnalysisView } from '../../../workers/engine-protocol';
import type { Finding } from '../../core/types';
import type { StacksState } from '../../state/stacks-data';
import { StacksContext } from '../common/stacks-context';
import { TooltipProvider } from '../common/Tooltip';
import { OverviewView } from '../OverviewView';
import { RECEIVE_TIDS, stacksState } from '../threads/stacks-fixtures';

afterEach(cleanup);

const CORECLR = '/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.8/libcoreclr.so';

const FINDING: Finding = {
  id: 'thread-stacks-reserve',
  severity: 'warning',
  title: '788 threads reserve 1.15 GiB of stack',
  detail: 'The receive loop’s threads each reserve 1.5 MiB.',
  advice: 'DOTNET_DefaultStackSize=140000',
  evidence: [
    { kind: 'stack-group', group: 0, text: 'the receive loop (stack group 1)' },
    { kind: 'environment', name: 'DOTNET_gcServer', value: '1', text: 'DOTNET_gcServer=1' },
    { kind: 'module', path: CORECLR, text: 'libcoreclr.so' },
  ],
};

async function view(): Promise<AnalysisView> {
  const v = analysisView(1, 'core', await analyzeBytes(sampleCore()), 1);
  const modules = [...v.overview.modules, { path: CORECLR, start: '0x7f2000000000', end: '0x7f2000700000' }];
  return { ...v, overview: { ...v.overview, modules } };
}

function stacks(): StacksState {
  return stacksState({
    findings: [FINDING],
    environment: {
      argv: ['/srv/app/server'],
      env: [
        { name: 'PATH', value: '/usr/bin', address: 0x7ffd0000f000n },
        { name: 'DOTNET_gcServer', value: '1', address: 0x7ffd0000f010n },
      ],
      warnings: [],
    },
    modules: [{ path: CORECLR, symbols: 'missing' }],
  });
}

async function renderOverview(props: Partial<Parameters<typeof OverviewView>[0]> = {}) {
  const v = await view();
  return render(
    <TooltipProvider>
      <StacksContext.Provider value={stacks()}>
        <OverviewView view={v} onPickKind={() => undefined} onShowView={() => undefined} {...props} />
      </StacksContext.Provider>
    </TooltipProvider>,
  );
}

describe('Overview with the stacks pass', () => {
  it('puts the findings first', async () => {
    const { container } = await renderOverview();
    const first = container.querySelector('.overview-view')?.firstElementChild;
    expect(first?.querySelector('h2')?.textContent).toBe('Findings (1)');
  });

  it('a stack group in the evidence opens that group’s threads', async () => {
    const onShowThreads = vi.fn();
    await renderOverview({ onShowThreads });
    fireEvent.click(screen.getByRole('button', { name: 'the receive loop (stack group 1)' }));
    expect(onShowThreads).toHaveBeenCalledWith(RECEIVE_TIDS, 'the receive loop (stack group 1)');
  });

  it('a variable in the evidence filters the environment to it, values still hidden', async () => {
    await renderOverview();
    fireEvent.click(screen.getByRole('button', { name: 'DOTNET_gcServer=1' }));
    const env = screen.getByRole('region', { name: 'Environment (2)' });
    expect(within(env).getByRole<HTMLInputElement>('searchbox').value).toBe('DOTNET_gcServer');
    expect(
      within(env)
        .getAllByRole('row')
        .map((r) => r.textContent),
    ).toEqual(['Name', 'DOTNET_gcServer']);
  });

  it('a module in the evidence marks its row; missing files offer "Add binaries…"', async () => {
    const onAddBinaries = vi.fn();
    await renderOverview({ onAddBinaries });
    fireEvent.click(screen.getByRole('button', { name: 'libcoreclr.so' }));
    const row = screen.getByRole('cell', { name: CORECLR }).closest('tr');
    expect(row?.className).toBe('highlight');
    expect(within(row ?? document.body).getByText('not found')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Add binaries…' }));
    expect(onAddBinaries).toHaveBeenCalledTimes(1);
  });

  it('without a stacks state, the overview has no findings or environment', async () => {
    const v = await view();
    render(<OverviewView view={v} onPickKind={() => undefined} onShowView={() => undefined} />);
    expect(screen.queryByRole('heading', { name: /^Findings/ })).toBeNull();
    expect(screen.queryByRole('heading', { name: /^Environment/ })).toBeNull();
    expect(screen.getByRole('heading', { name: /^Modules/ })).toBeTruthy();
  });
});
