/**
 * User settings, kept in localStorage ("coreview.settings"), and URL query flags that override them for one page
 * load without being saved — for tests, links and measurements:
 *   ?census=off|on   run the touched-page census automatically after a dump opens (saved setting: on)
 *   ?workers=N       engine workers, 1..8 (default: twice navigator.hardwareConcurrency, clamped to 2..4)
 *   ?slice=N         scan slice size in MiB, 1..256 (default 16: the CLI's, so OS clues are found the same way)
 *   ?depth=N         scan jobs in flight per worker, 1..8 (default 2)
 *   ?open=sample     open the bundled sample dump as the page loads (`npm start` opens the app so)
 *   ?url=<address>   open the dump or report at that address as the page loads (README: "Open by URL")
 * Pure parsing here (tested); the hook that holds the setting is useSettings.
 */
import type { ScanTuning } from '../../workers/engine-protocol';
import { defaultPoolSize } from '../core/scan/pool-size';

export interface Settings {
  readonly autoCensus: boolean;
}

export const DEFAULT_SETTINGS: Settings = { autoCensus: true };
const KEY = 'coreview.settings';

export interface UrlFlags {
  readonly census?: boolean;
  readonly openSample?: boolean;
  /** `?url=`: as given (relative to the page, or absolute); checked before anything is fetched (url-origins.ts). */
  readonly url?: string;
  readonly workers?: number;
  readonly tuning: ScanTuning;
}

function intFlag(p: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = p.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

export function parseFlags(search: string): UrlFlags {
  const p = new URLSearchParams(search);
  const census = p.get('census');
  const slice = intFlag(p, 'slice', 1, 256);
  const depth = intFlag(p, 'depth', 1, 8);
  const url = p.get('url')?.trim() ?? '';
  return {
    ...(census === 'off' || census === 'on' ? { census: census === 'on' } : {}),
    ...(p.get('open') === 'sample' ? { openSample: true } : {}),
    ...(url !== '' ? { url } : {}),
    ...(intFlag(p, 'workers', 1, 8) !== undefined ? { workers: intFlag(p, 'workers', 1, 8) } : {}),
    tuning: {
      ...(slice !== undefined ? { sliceSize: slice * 1024 * 1024 } : {}),
      ...(depth !== undefined ? { depth } : {}),
    },
  };
}

/** Stored settings; anything unreadable (another version's shape, storage disabled) falls back to the defaults. */
export function readSettings(storage: Pick<Storage, 'getItem'> | undefined): Settings {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(KEY) ?? null;
  } catch (e) {
    // Storage can throw (disabled cookies, a sandboxed frame): settings are a convenience, the defaults do.
    console.warn('coreview: settings not readable', e);
  }
  if (raw === null) return DEFAULT_SETTINGS;
  try {
    const parsed = JSON.parse(raw) as { autoCensus?: unknown };
    return { autoCensus: typeof parsed.autoCensus === 'boolean' ? parsed.autoCensus : DEFAULT_SETTINGS.autoCensus };
  } catch (e) {
    console.warn('coreview: stored settings are not JSON; using the defaults', e);
    return DEFAULT_SETTINGS;
  }
}

export function writeSettings(storage: Pick<Storage, 'setItem'> | undefined, settings: Settings): void {
  try {
    storage?.setItem(KEY, JSON.stringify(settings));
  } catch (e) {
    console.warn('coreview: settings not saved', e);
  }
}

/** The effective setting: a URL flag wins over the stored value. */
export function initialSettings(storage: Pick<Storage, 'getItem'> | undefined, flags: UrlFlags): Settings {
  const stored = readSettings(storage);
  return flags.census === undefined ? stored : { ...stored, autoCensus: flags.census };
}

/**
 * Engine workers, unless a flag says otherwise: defaultPoolSize's rule, shared with the CLI.
 * `node scripts/bench-browser.mjs <core> --census --workers N` compares worker counts on a dump.
 */
export function poolSize(flags: UrlFlags, hardwareConcurrency: number | undefined): number {
  return flags.workers ?? defaultPoolSize(hardwareConcurrency);
}
