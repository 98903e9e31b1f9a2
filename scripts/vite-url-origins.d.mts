/** Types for vite-url-origins.mjs (plain Node ESM, imported by vite.config.ts and the tests). */
import type { Plugin } from 'vite';

/** COREVIEW_URL_ORIGINS's origins, as URL.origin writes them; throws naming an entry that is not an origin. */
export function parseOrigins(setting: string | undefined): string[];
/** index.html with `origins` added to its CSP's connect-src and listed in `<meta name="coreview-url-origins">`. */
export function widenIndexHtml(html: string, origins: readonly string[]): string;
/** The Vite plugin (the setting defaults to $COREVIEW_URL_ORIGINS). */
export function urlOrigins(setting?: string): Plugin;
