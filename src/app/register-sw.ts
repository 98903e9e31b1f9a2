/**
 * Registers the service worker that precaches the app (dist/sw.js, written at build time by the plugin in
 * vite.config.ts). The URL is relative so the app works under any sub-path; scope defaults to the app's folder.
 * Not in development: Vite's dev server serves modules that must not be cached.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch((e: unknown) => {
      // Offline use is a bonus: the app works without it. Say why in the console for whoever debugs it.
      console.warn('coreview: service worker not registered:', e);
    });
  });
}
