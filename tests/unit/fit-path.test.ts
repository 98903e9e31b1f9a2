/** Long paths in width-limited tables (src/core/format/fit-path.ts, text-table.ts): the CLI on a terminal. */
import { describe, expect, it } from 'vitest';
import { elideMiddle, fitPath } from '../../src/core/format/fit-path';
import { toJsonDocument } from '../../src/core/format/json-document';
import { reportText } from '../../src/core/format/report-text';
import { analyzeBytes } from '../helpers/run-engine';
import { sampleCore } from '../helpers/sample-cores';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';

describe('fitPath', () => {
  it('keeps a path that fits whole', () => {
    expect(fitPath(LIBC, LIBC.length)).toBe(LIBC);
  });

  it('puts the file name first and elides the middle of the directory', () => {
    expect(fitPath(LIBC, 30)).toBe('libc.so.6 (/usr/lib/…inux-gnu)');
    expect(fitPath(LIBC, 30)).toHaveLength(30);
    expect(fitPath('/tmp/abcdefghij/dotnet/shared/Microsoft.NETCore.App/8.0.11/libcoreclr.so', 40)).toBe(
      'libcoreclr.so (/tmp/abcdefg….App/8.0.11)',
    );
  });

  it('elides the middle of a name too long for any directory, and of a bare name', () => {
    expect(fitPath('/x/averyveryverylongname.so', 12)).toBe('averyv…me.so');
    expect(fitPath('no-slash-but-long', 8)).toBe('no-s…ong');
    expect(elideMiddle('abcdef', 1)).toBe('…');
  });
});

describe('tables that fit a width', () => {
  it('shortens the Image column so that no line (and no rule) is wider than the width', async () => {
    const a = await analyzeBytes(sampleCore());
    const doc = toJsonDocument(a, 'core');
    const long = {
      ...doc,
      regions: doc.regions.map((r) =>
        r.image === undefined ? r : { ...r, image: `/opt/some/very/long/vendor/directory/tree${r.image}` },
      ),
    };
    const whole = reportText(long, { view: 'regions' });
    expect(whole).toContain('/opt/some/very/long/vendor/directory/tree/usr/bin/app');
    const widest = Math.max(...whole.split('\n').map((l) => l.length));
    const fitted = reportText(long, { view: 'regions', width: widest - 20 });
    expect(Math.max(...fitted.split('\n').map((l) => l.length))).toBeLessThanOrEqual(widest - 20);
    // The longest path is shortened, name first; one that fits the room left stays whole.
    expect(fitted).toMatch(/\| libc\.so\.6 \(\/opt\/some\/[^)]*…[^)]*-linux-gnu\)$/m);
    expect(fitted).toMatch(/\| \/opt\/some\/very\/long\/vendor\/directory\/tree\/usr\/bin\/app$/m);
    expect(fitted.split('\n')).toHaveLength(whole.split('\n').length);
  });

  it('leaves tables alone without a width, and shortens per-image totals too', async () => {
    const a = await analyzeBytes(sampleCore());
    const doc = toJsonDocument(a, 'core');
    expect(reportText(doc, { view: 'regions', width: undefined })).toBe(reportText(doc, { view: 'regions' }));
    const imageTotals = [{ image: `/a/${'d'.repeat(80)}/libfoo.so`, count: 1, size: 4096, inDump: 0 }];
    const line = reportText({ ...doc, imageTotals }, { view: 'image-totals', width: 80 }).split('\n')[3] ?? '';
    expect(line.length).toBeLessThanOrEqual(80);
    expect(line).toMatch(/\| libfoo\.so \(\/a\/d+…d+\)$/);
  });
});
