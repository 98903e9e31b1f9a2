// Loaded by the service worker (importScripts, see vite.config.ts). coreview's first service worker kept the app
// in caches named coreview-<16 hex digits>; the Workbox one that replaced it does not know them, so it deletes them
// when it takes over.
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => /^coreview-[0-9a-f]{16}$/.test(k)).map((k) => caches.delete(k)))),
  );
});
