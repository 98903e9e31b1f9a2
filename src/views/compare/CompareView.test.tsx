// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnalysisView } from '../../../workers/engine-protocol';
import { compareReports } from '../../core/compare/compare-reports';
import type { ReportFinding } from '../../core/format/report-document';
import { frame, kind, MiB, reportDoc, tids } from '../../../tests/helpers/report-docs';
import '../../../tests/helpers/jsdom-layout';
import { CompareView } from './CompareView';

afterEach(cleanup);

const VIEW = { id: 1 } as unknown as AnalysisView;
const RECV = [frame('recv', '0x7f0000001000', 0x1000), frame('worker_main', '0x7f0000002000', 0x2000)];
const LOCK = [frame('pthread_mutex_lock', '0x7e5500006000', 0x6000)];

/** A same-stack finding about group `group` of its report. */
function sameStack(n: number, group: number, severity: ReportFinding['severity']): ReportFinding {
  return {
    id: 'same-stack',
    severity,
    title: `${n} threads in recv`,
    detail: '',
    evidence: [{ kind: 'stack-group', group, text: '' }],
  };
}

const ARENAS: ReportFinding = {
  id: 'glibc-arenas',
  severity: 'info',
  title: '2 arena heaps',
  detail: '',
  evidence: [],
};

const DOC = compareReports(
  reportDoc({
    name: 'monday.core',
    totals: [kind('Stack', 51, 400 * MiB), kind('Heap', 3, 64 * MiB)],
    stackGroups: [{ threads: tids(100, 50), frames: RECV }],
    findings: [sameStack(50, 0, 'info'), ARENAS],
  }),
  reportDoc({
    name: 'today.core',
    totals: [kind('Stack', 201, 1600 * MiB), kind('Heap', 3, 64 * MiB)],
    stackGroups: [
      { threads: [7, 8], frames: LOCK },
      { threads: tids(300, 200), frames: RECV },
    ],
    findings: [sameStack(200, 1, 'warning'), ARENAS],
  }),
);

function renderReady() {
  const onLink = vi.fn();
  render(
    <CompareView
      view={VIEW}
      compare={{ status: 'ready', name: 'today.core', doc: DOC, settled: true }}
      wanted="today.core"
      onPick={vi.fn()}
      onStop={vi.fn()}
      onLink={onLink}
    />,
  );
  return onLink;
}

describe('CompareView', () => {
  it('shows the kinds and the stack groups with their differences, each leading to its rows in A', () => {
    const onLink = renderReady();
    const stack = screen.getByTestId('compare-kinds').querySelector('tr[data-kind="Stack"]');
    expect(stack?.querySelector('td.diff')?.textContent).toBe('+150');
    fireEvent.click(within(stack as HTMLElement).getByRole('button', { name: 'Stack' }));
    expect(onLink).toHaveBeenLastCalledWith({ view: 'regions', kind: 'Stack' }, 'Stack');

    const rows = screen.getByTestId('compare-groups').querySelectorAll('tbody tr');
    expect(Array.from(rows, (r) => r.getAttribute('data-status'))).toEqual(['grew', 'new']);
    fireEvent.click(within(rows[0] as HTMLElement).getByRole('button'));
    expect(onLink).toHaveBeenLastCalledWith({ view: 'threads', tids: tids(100, 50) }, 'the 50 threads of this stack');
    // A group only B has has no rows in A: no link.
    expect(within(rows[1] as HTMLElement).queryByRole('button')).toBeNull();
  });

  it("shows a finding whose figures changed once, A's title over B's, leading to its threads in A", () => {
    const onLink = renderReady();
    const changed = screen.getByTestId('compare-findings-changed').querySelectorAll('li');
    expect(changed).toHaveLength(1);
    const item = changed[0] as HTMLElement;
    expect(item.getAttribute('data-id')).toBe('same-stack');
    expect(item.textContent).toContain('info 50 threads in recv');
    expect(item.querySelector('[data-side="b"]')?.textContent).toBe('→ warning 200 threads in recv');
    fireEvent.click(within(item).getByRole('button', { name: '50 threads in recv' }));
    expect(onLink).toHaveBeenLastCalledWith({ view: 'threads', tids: tids(100, 50) }, '50 threads in recv');
    expect(screen.queryByTestId('compare-findings-a')).toBeNull();
    expect(screen.queryByTestId('compare-findings-b')).toBeNull();
    expect(screen.getByTestId('compare-findings-same').textContent).toBe('1 the same on both sides.');
  });

  it('asks for the file named in the link again after a reload', () => {
    const onPick = vi.fn();
    render(
      <CompareView
        view={VIEW}
        compare={{ status: 'off' }}
        wanted="today.core"
        onPick={onPick}
        onStop={vi.fn()}
        onLink={vi.fn()}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Pick today.core again to compare' }));
    expect(onPick).toHaveBeenCalled();
  });

  it('says why a file could not be compared', () => {
    render(
      <CompareView
        view={VIEW}
        compare={{ status: 'error', name: 'notes.txt', message: 'not an ELF file' }}
        wanted="notes.txt"
        onPick={vi.fn()}
        onStop={vi.fn()}
        onLink={vi.fn()}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain('notes.txt could not be compared: not an ELF file');
  });
});
