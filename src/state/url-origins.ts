/**
 * Which addresses `?url=` may open, and the link that opens the same dump again.
 *
 * The page's own origin always works. Another origin works only when the deployer listed it when building the page
 * (COREVIEW_URL_ORIGINS, scripts/vite-url-origins.mjs): the build writes the list into the page's CSP connect-src and
 * into `<meta name="coreview-url-origins">`, which is read here. The check runs before anything is fetched, so an
 * address from a link someone sent never makes the page contact a server its deployer did not choose.
 */

export type UrlCheck =
  { readonly ok: true; readonly url: string; readonly name: string } | { readonly ok: false; readonly message: string };

/** The listed origins, from the page's meta tag (none when the build listed none). */
export function listedOrigins(doc: Pick<Document, 'querySelector'>): string[] {
  const content = doc.querySelector('meta[name="coreview-url-origins"]')?.getAttribute('content') ?? '';
  return content.split(/\s+/).filter((o) => o !== '');
}

/** The file's name for the top bar and the JSON: the last segment of the path, else the host. */
export function dumpNameOf(url: URL): string {
  const last = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .pop();
  if (last === undefined) return url.host;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** `raw` (absolute, or relative to the page) checked against the page's origin and the listed ones. */
export function checkDumpUrl(raw: string, pageHref: string, listed: readonly string[]): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw, pageHref);
  } catch {
    return { ok: false, message: `"${raw}" is not a URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, message: `only http and https addresses can be opened, not ${url.protocol}` };
  const page = new URL(pageHref).origin;
  if (url.origin !== page && !listed.includes(url.origin)) {
    return {
      ok: false,
      message: `${url.origin} is not an origin this page may fetch from: whoever deploys coreview must list it in COREVIEW_URL_ORIGINS when building the page (README, “Open by URL”)`,
    };
  }
  url.hash = '';
  return { ok: true, url: url.href, name: dumpNameOf(url) };
}

/** The page's address without `?url=` (undefined when it has none): another dump replaced the one it opened. */
export function withoutUrlParam(pageHref: string): string | undefined {
  const page = new URL(pageHref);
  if (!page.searchParams.has('url')) return undefined;
  page.searchParams.delete('url');
  return page.href;
}

/** The page's address opening `dumpUrl`, with the view in `hash` (the page's own URL hash, kept as it is). */
export function shareLink(pageHref: string, dumpUrl: string): string {
  const page = new URL(pageHref);
  const link = new URL(page.pathname, page.origin);
  link.searchParams.set('url', dumpUrl);
  link.hash = page.hash;
  return link.href;
}
