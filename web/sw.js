// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The service worker: keeps the page's own files so it works with the network off after
// one visit. Network first (so updates arrive), the cache when offline. Same-origin only.

const CACHE = "gpumem-v4";
const SHELL = [
  "./", "index.html", "style.css", "manifest.webmanifest", "icon.svg", "gpumem.mjs", "gpumem.wasm",
  "js/main.js", "js/app.js", "js/breakdown.js", "js/chart.js", "js/core.js", "js/dom.js", "js/embed.js",
  "js/export.js", "js/form.js", "js/format.js", "js/model-file.js", "js/hub.js", "js/timeline-chart.js", "js/view.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(fetch(event.request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(event.request, copy));
      }
      return response;
    })
    .catch(() => caches.match(event.request, { ignoreSearch: true })
      .then((hit) => hit || caches.match("index.html"))));
});
