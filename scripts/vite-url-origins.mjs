// The origins other than its own from which the page may open dumps by URL (`?url=`), set when it is built:
//
//   COREVIEW_URL_ORIGINS="https://dumps.example.com,https://ci.example.com:8443" npm run build
//
// The page's Content-Security-Policy (index.html) allows `connect-src 'self'` only; this plugin widens that to
// exactly these origins, and writes them into a `<meta name="coreview-url-origins">` tag, which is what the page
// checks a `?url=` against before it fetches anything (src/state/url-origins.ts). Both come from this one setting.
// Plain Node ESM (types in vite-url-origins.d.mts), like the other scripts vite.config.ts and the tests import.

const URL_ORIGINS_ENV = 'COREVIEW_URL_ORIGINS';

/**
 * The setting's origins, each as `new URL(…).origin` writes it; throws with the bad entry's text.
 * @param {string | undefined} setting
 * @returns {string[]}
 */
export function parseOrigins(setting) {
  /** @type {string[]} */
  const origins = [];
  for (const raw of (setting ?? '').split(/[\s,]+/)) {
    if (raw === '') continue;
    let url;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    const path = url === undefined ? '' : `${url.pathname}${url.search}${url.hash}`;
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || (path !== '' && path !== '/'))
      throw new Error(
        `${URL_ORIGINS_ENV}: "${raw}" is not an origin (scheme, host and port only, e.g. https://dumps.example.com)`,
      );
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return origins;
}

/**
 * index.html with `origins` added to its CSP's connect-src and listed in the page's meta tag.
 * @param {string} html
 * @param {readonly string[]} origins
 * @returns {string}
 */
export function widenIndexHtml(html, origins) {
  if (origins.length === 0) return html;
  const connect = /(<meta\s+http-equiv="Content-Security-Policy"\s+content="[^"]*?connect-src 'self')/s;
  // The dev server drops the CSP (coreview-csp-dev); a build's CSP must have the directive to widen.
  if (html.includes('http-equiv="Content-Security-Policy"') && !connect.test(html))
    throw new Error(`${URL_ORIGINS_ENV}: index.html's CSP has no "connect-src 'self'" to widen`);
  return html
    .replace(connect, (directive) => `${directive} ${origins.join(' ')}`)
    .replace('</head>', `  <meta name="coreview-url-origins" content="${origins.join(' ')}" />\n  </head>`);
}

/**
 * The Vite plugin: reads the setting once, when the config is loaded.
 * @param {string | undefined} [setting]
 */
export function urlOrigins(setting = process.env[URL_ORIGINS_ENV]) {
  const origins = parseOrigins(setting);
  return {
    name: 'coreview-url-origins',
    /** @param {string} html */
    transformIndexHtml: (html) => widenIndexHtml(html, origins),
  };
}
