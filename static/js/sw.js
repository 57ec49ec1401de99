// ShopOffice's service worker, served as /sw.js (office/home/views.py) and registered by office.js.
// One job: when a page cannot be reached, show /offline instead of the browser's error.
// It stores only the offline page and the static files that page needs, never a signed-in page,
// an API answer or the live stream: every other request goes to the network untouched.
"use strict";

// The address carries a digest of the static files (?v=...): a new release is a new worker with
// its own cache, and the old cache is dropped when it takes over.
const VERSION = new URL(self.location.href).searchParams.get("v") || "dev";
const CACHE = "shopoffice-" + VERSION;
const OFFLINE = "/offline";
const PRECACHE = [OFFLINE, "/static/css/office.css", "/static/icons.svg", "/static/favicon.svg",
                  "/static/icon-192.png"];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Without cookies: what is stored is what anyone would get, whoever is signed in.
    await cache.addAll(PRECACHE.map((url) => new Request(url, {credentials: "omit", cache: "reload"})));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("shopoffice-") && name !== CACHE) await caches.delete(name);
    }
    // The page's request starts while the worker boots, so pages open no slower than without it.
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;  // form posts go straight to the network
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Network only; the stored offline page when the network fails. Nothing is put in the cache.
    event.respondWith((async () => {
      try {
        const preloaded = await event.preloadResponse;
        return preloaded || await fetch(request);
      } catch (error) {
        const cache = await caches.open(CACHE);
        return (await cache.match(OFFLINE)) || Response.error();
      }
    })());
    return;
  }
  if (PRECACHE.includes(url.pathname) && url.search === "") {
    // The offline page's own files: from the cache first, so it can be drawn with no network.
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      return (await cache.match(request, {ignoreVary: true})) || fetch(request);
    })());
  }
  // Everything else (pages' htmx requests, the live stream, the API, other static files): not handled here.
});
