import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOrigins, widenIndexHtml } from '../../scripts/vite-url-origins.mjs';
import { parseFlags } from '../../src/state/settings';
import { checkDumpUrl, dumpNameOf, listedOrigins, shareLink, withoutUrlParam } from '../../src/state/url-origins';

const PAGE = 'https://tools.example.com/coreview/?url=x#v=threads';

describe('COREVIEW_URL_ORIGINS at build time', () => {
  it('reads origins separated by commas or spaces, as URL.origin writes them', () => {
    expect(parseOrigins(' https://a.example , https://B.example:8443/ http://127.0.0.1:9000')).toEqual([
      'https://a.example',
      'https://b.example:8443',
      'http://127.0.0.1:9000',
    ]);
    expect(parseOrigins(undefined)).toEqual([]);
  });

  it('refuses what is not an origin', () => {
    expect(() => parseOrigins('https://a.example/dumps')).toThrow('"https://a.example/dumps" is not an origin');
    expect(() => parseOrigins('ftp://a.example')).toThrow('is not an origin');
    expect(() => parseOrigins('a.example')).toThrow('is not an origin');
  });

  it("widens index.html's connect-src to exactly those origins and lists them for the page", () => {
    const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
    const widened = widenIndexHtml(html, ['https://a.example', 'http://127.0.0.1:9000']);
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(widened)?.[1] ?? '';
    expect(csp).toContain("connect-src 'self' https://a.example http://127.0.0.1:9000;");
    // Nothing else in the policy changes.
    expect(csp.replace(' https://a.example http://127.0.0.1:9000', '')).toBe(
      /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1],
    );
    expect(widened).toContain('<meta name="coreview-url-origins" content="https://a.example http://127.0.0.1:9000" />');
    expect(widenIndexHtml(html, [])).toBe(html);
  });
});

describe('?url= in the page', () => {
  const doc = (content?: string) => ({
    querySelector: (selector: string) =>
      selector === 'meta[name="coreview-url-origins"]' && content !== undefined
        ? ({ getAttribute: () => content } as unknown as Element)
        : null,
  });

  it('takes ?url= as given, trimmed; an empty one is no URL', () => {
    expect(parseFlags('?url=https%3A%2F%2Fa.example%2Fcore&census=off')).toMatchObject({
      url: 'https://a.example/core',
      census: false,
    });
    expect(parseFlags('?url=%20dumps/core%20').url).toBe('dumps/core');
    expect(parseFlags('?url=').url).toBeUndefined();
  });

  it('reads the listed origins from the meta tag', () => {
    expect(listedOrigins(doc('https://a.example  http://b.example:81'))).toEqual([
      'https://a.example',
      'http://b.example:81',
    ]);
    expect(listedOrigins(doc())).toEqual([]);
  });

  it('opens same-origin addresses, relative ones included', () => {
    expect(checkDumpUrl('dumps/core.1234', PAGE, [])).toEqual({
      ok: true,
      url: 'https://tools.example.com/coreview/dumps/core.1234',
      name: 'core.1234',
    });
    expect(checkDumpUrl('/files/my%20core#frag', PAGE, [])).toMatchObject({
      ok: true,
      url: 'https://tools.example.com/files/my%20core',
      name: 'my core',
    });
  });

  it('opens a listed origin and refuses another, saying the deployer must list it', () => {
    expect(checkDumpUrl('https://a.example/core', PAGE, ['https://a.example']).ok).toBe(true);
    const refused = checkDumpUrl('https://evil.example/core', PAGE, ['https://a.example']);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain('must list it in COREVIEW_URL_ORIGINS');
    expect(checkDumpUrl('https://tools.example.com:8443/core', PAGE, []).ok).toBe(false);
  });

  it('refuses other schemes and non-URLs', () => {
    expect(checkDumpUrl('file:///tmp/core', PAGE, [])).toMatchObject({ ok: false });
    expect(checkDumpUrl('http://[bad', PAGE, [])).toEqual({ ok: false, message: '"http://[bad" is not a URL' });
  });

  it('names a dump by its last path segment, else its host', () => {
    expect(dumpNameOf(new URL('https://a.example/x/core.zst'))).toBe('core.zst');
    expect(dumpNameOf(new URL('https://a.example/'))).toBe('a.example');
  });

  it('drops ?url= from the page address, keeping the rest', () => {
    expect(withoutUrlParam('https://t.example/c/?workers=2&url=x#v=threads')).toBe(
      'https://t.example/c/?workers=2#v=threads',
    );
    expect(withoutUrlParam('https://t.example/c/#v=threads')).toBeUndefined();
  });

  it('links to the page with ?url= and the current view', () => {
    expect(shareLink(PAGE, 'https://a.example/core?x=1')).toBe(
      'https://tools.example.com/coreview/?url=https%3A%2F%2Fa.example%2Fcore%3Fx%3D1#v=threads',
    );
  });
});
