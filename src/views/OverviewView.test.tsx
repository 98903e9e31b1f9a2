// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../tests/helpers/run-engine';
import { sampleCore } from '../../tests/helpers/sample-cores';
import { analysisView, osView } from '../../workers/analysis-view';
import type { AnalysisView } from '../../workers/engine-protocol';
import { OverviewView } from './OverviewView';

afterEach(cleanup);

async function view(patch: (v: AnalysisView) => AnalysisView): Promise<AnalysisView> {
  return patch(analysisView(1, 'core', await analyzeBytes(sampleCore()), 1));
}

describe('Overview: the OS and runtime rows', () => {
  it("the OS row's tooltip lists the evidence ranked, as the CLI prints it", async () => {
    const os = osView({
      name: 'Debian or Ubuntu',
      source: 'library-paths',
      evidence: '/usr/lib/x86_64-linux-gnu/libc.so.6',
      heuristic: 'identify-os',
      ranked: [
        {
          source: 'library-paths',
          says: 'Debian or Ubuntu',
          evidence: '/usr/lib/x86_64-linux-gnu/libc.so.6',
          mapping: '/usr/lib/x86_64-linux-gnu/libc.so.6',
        },
        {
          source: 'rid-graph',
          says: 'ignored: part of a RID graph',
          evidence: 'ol.7-x64',
          note: 'one of 4 RIDs within 256 bytes of each other',
          address: 0x268faaa8n,
        },
      ],
    });
    const v = await view((v) => ({ ...v, overview: { ...v.overview, process: { ...v.overview.process, os } } }));
    render(<OverviewView view={v} onPickKind={() => undefined} onShowView={() => undefined} />);
    const fact = screen.getByTestId('os-fact');
    expect(fact.textContent).toMatch(/^Debian or Ubuntu/);
    expect(fact.querySelector('.badge')?.getAttribute('data-evidence')).toBe(
      [
        'Heuristic identify-os, from the paths of the mapped libraries: /usr/lib/x86_64-linux-gnu/libc.so.6',
        'Evidence, strongest first:',
        '1. Debian or Ubuntu [library-paths] /usr/lib/x86_64-linux-gnu/libc.so.6',
        '2. ignored: part of a RID graph [rid-graph] ol.7-x64 at 0x268faaa8 (one of 4 RIDs within 256 bytes of each other)',
      ].join('\n'),
    );
  });

  it('the runtime row says when the version is unknown', async () => {
    const v = await view((v) => ({
      ...v,
      overview: {
        ...v.overview,
        process: {
          ...v.overview.process,
          runtime: { name: 'Node.js', evidence: 'maps /usr/bin/node; no version in the path' },
        },
      },
    }));
    render(<OverviewView view={v} onPickKind={() => undefined} onShowView={() => undefined} />);
    expect(screen.getByText('Runtime').nextElementSibling?.textContent).toBe(
      'Node.js version unknown (maps /usr/bin/node; no version in the path)',
    );
  });
});
