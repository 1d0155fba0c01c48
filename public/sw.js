// Veld's service worker: precaches this build's app shell and serves it without a network.
// tools/post-build.sh fills in the build version and the file list after every build, so a new
// build is a new worker: it installs beside the old one and waits until the user chooses
// "Reload" in the app (no silent swap under an open form).
const VERSION = "__VELD_BUILD__";
const PRECACHE = ["__VELD_PRECACHE__"];
const CACHE = `veld-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("veld-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // The API is never cached here: the app keeps its own data in IndexedDB.
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    // Every route is the same single-page shell: answer from this build's cache.
    event.respondWith(caches.match("/index.html", { cacheName: CACHE }).then((hit) => hit || fetch(request)));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});
