/**
 * The ranked OS evidence where users read it: the JSON document (`process.os.ranked`), the CLI's overview, and the
 * page's round trip (OsView ↔ OsIdentification), which must give the CLI's JSON byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { jsonDocumentText, toJsonDocument } from '../../src/core/format/json-document';
import { reportText } from '../../src/core/format/report-text';
import type { OsIdentification } from '../../src/core/types';
import { osIdentification, osView } from '../../workers/analysis-view';
import { analyzeBytes } from '../helpers/run-engine';
import { sampleCore } from '../helpers/sample-cores';

const OS: OsIdentification = {
  name: 'CentOS Linux 7 (Core)',
  source: 'os-release',
  evidence: 'PRETTY_NAME="CentOS Linux 7 (Core)"',
  address: 0x55d0c0a3e2a0n,
  heuristic: 'identify-os',
  ranked: [
    {
      source: 'os-release',
      says: 'CentOS Linux 7 (Core)',
      evidence: 'PRETTY_NAME="CentOS Linux 7 (Core)"',
      note: 'ID="centos" and VERSION_ID="7" in the same text',
      address: 0x55d0c0a3e2a0n,
    },
    {
      source: 'dotnet-rid',
      says: 'CentOS 7',
      evidence: 'centos.7-x64',
      note: 'no other RID within 256 bytes',
      address: 0x55d0c0a3f004n,
    },
    {
      source: 'library-paths',
      says: 'Debian or Ubuntu',
      evidence: '/usr/lib/x86_64-linux-gnu/libc.so.6',
      note: 'multiarch library directory; names no release',
      mapping: '/usr/lib/x86_64-linux-gnu/libc.so.6',
    },
  ],
};

describe('ranked OS evidence in the outputs', () => {
  it('JSON: process.os keeps its fields (the strongest evidence) and adds ranked[], addresses as hex', async () => {
    const a = await analyzeBytes(sampleCore());
    const doc = JSON.parse(jsonDocumentText(a, 'core', { census: { regionTouched: [], complete: true, os: OS } }));
    expect(Object.keys(doc.process.os)).toEqual(['name', 'source', 'evidence', 'heuristic', 'address', 'ranked']);
    expect(doc.process.os).toMatchObject({
      name: 'CentOS Linux 7 (Core)',
      source: 'os-release',
      address: '0x55d0c0a3e2a0',
    });
    expect(doc.process.os.ranked).toEqual([
      {
        source: 'os-release',
        says: 'CentOS Linux 7 (Core)',
        evidence: 'PRETTY_NAME="CentOS Linux 7 (Core)"',
        note: 'ID="centos" and VERSION_ID="7" in the same text',
        address: '0x55d0c0a3e2a0',
      },
      {
        source: 'dotnet-rid',
        says: 'CentOS 7',
        evidence: 'centos.7-x64',
        note: 'no other RID within 256 bytes',
        address: '0x55d0c0a3f004',
      },
      {
        source: 'library-paths',
        says: 'Debian or Ubuntu',
        evidence: '/usr/lib/x86_64-linux-gnu/libc.so.6',
        note: 'multiarch library directory; names no release',
        mapping: '/usr/lib/x86_64-linux-gnu/libc.so.6',
      },
    ]);
    // The header pass alone: the layout evidence, ranked too.
    const header = JSON.parse(jsonDocumentText(a, 'core'));
    expect(header.process.os).toMatchObject({
      name: 'Debian or Ubuntu',
      source: 'library-paths',
      ranked: [{ source: 'library-paths', mapping: '/usr/lib/x86_64-linux-gnu/libc.so.6' }],
    });
  });

  it("the page's round trip through OsView (a structured clone) gives the CLI's JSON byte for byte", async () => {
    const a = await analyzeBytes(sampleCore());
    const cli = jsonDocumentText(a, 'core', { census: { regionTouched: [], complete: true, os: OS } });
    const view = structuredClone(osView(OS));
    expect(view?.ranked[2]).toEqual({
      source: 'library-paths',
      says: 'Debian or Ubuntu',
      evidence: '/usr/lib/x86_64-linux-gnu/libc.so.6',
      note: 'multiarch library directory; names no release',
      mapping: '/usr/lib/x86_64-linux-gnu/libc.so.6',
    });
    const back = osIdentification(view);
    expect(
      jsonDocumentText(a, 'core', { census: { regionTouched: [], complete: true, ...(back ? { os: back } : {}) } }),
    ).toBe(cli);
  });

  it('the overview text: the strongest on the OS line, then every piece of evidence ranked', async () => {
    const a = await analyzeBytes(sampleCore());
    const lines = reportText(toJsonDocument(a, 'core', { census: { regionTouched: [], complete: true, os: OS } }), {
      view: 'table',
    }).split('\n');
    const at = lines.findIndex((l) => l.startsWith('OS:'));
    expect(lines.slice(at, at + 5)).toEqual([
      'OS:       CentOS Linux 7 (Core) (heuristic os-release: PRETTY_NAME="CentOS Linux 7 (Core)" at 0x55d0c0a3e2a0)',
      '          evidence, strongest first:',
      '            1. CentOS Linux 7 (Core) [os-release] PRETTY_NAME="CentOS Linux 7 (Core)" at 0x55d0c0a3e2a0 (ID="centos" and VERSION_ID="7" in the same text)',
      '            2. CentOS 7 [dotnet-rid] centos.7-x64 at 0x55d0c0a3f004 (no other RID within 256 bytes)',
      '            3. Debian or Ubuntu [library-paths] /usr/lib/x86_64-linux-gnu/libc.so.6 (multiarch library directory; names no release)',
    ]);
  });
});
