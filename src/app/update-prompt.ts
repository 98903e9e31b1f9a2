/// <reference types="vite-plugin-pwa/vanillajs" />
/**
 * The service worker (vite-plugin-pwa's, see vite.config.ts): registered from main.tsx, and a new version of the
 * page announced rather than swapped in. A new build's worker installs and then waits; the page learns of it
 * (onNeedRefresh) and UpdatePrompt shows "Reload to update". Only that click lets the new worker take over and
 * reloads the page: a dump being read is never pulled from under the user.
 *
 * Not in development: Vite's dev server serves modules that must not be cached.
 */
import { registerSW } from 'virtual:pwa-register';

/**
 * waiting: a new version is installed and waits for the click. active-elsewhere: another tab of the page let it
 * take over; this tab still runs the version it was loaded with, until it is reloaded.
 */
export type UpdateState = 'none' | 'waiting' | 'active-elsewhere';

/** How often an open page asks the server for a new version (a page kept open all day learns of one too). */
const CHECK_EVERY_MS = 60 * 60 * 1000;

let state: UpdateState = 'none';
const listeners = new Set<() => void>();
let activate: (() => Promise<void>) | undefined;
/** This tab asked for the update: when the new worker takes over, reloading is what the user asked for. */
let requested = false;
let reloading = false;

function reloadOnce(): void {
  if (reloading) return;
  reloading = true;
  window.location.reload();
}

function set(next: UpdateState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function updateState(): UpdateState {
  return state;
}

export function subscribeUpdates(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function registerUpdates(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  activate = registerSW({
    onNeedRefresh: () => set('waiting'),
    onNeedReload: () => {
      if (requested) reloadOnce();
      else set('active-elsewhere');
    },
    onRegisteredSW: (_url, registration) => {
      if (registration === undefined) return;
      setInterval(() => {
        // Offline, or the server is down: the next check will do.
        registration.update().catch(() => undefined);
      }, CHECK_EVERY_MS);
    },
    onRegisterError: (e: unknown) => {
      // Offline use and updates are a bonus: the app works without them. Say why in the console for whoever debugs it.
      console.warn('coreview: service worker not registered:', e);
    },
  });
}

/** The "Reload to update" click: the waiting version takes over and the page reloads into it. */
export async function applyUpdate(): Promise<void> {
  const registration = await navigator.serviceWorker.getRegistration();
  if (activate === undefined || registration?.waiting == null) {
    // Already taken over (by another tab's click): the new version is one reload away.
    window.location.reload();
    return;
  }
  requested = true;
  // The plugin reloads on the take-over only in a page that was already controlled when it loaded; the first
  // visit's page is not (it was claimed later), and reloads here.
  navigator.serviceWorker.addEventListener('controllerchange', reloadOnce, { once: true });
  await activate();
}
