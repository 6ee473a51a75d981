/* The service worker (served at /sw.js, scope /, by webapp/pwa after a generated preamble that sets
 * self.BINHDANG_SW and importScripts the idb UMD build, outbox.js, sync.js and, when deployed,
 * sw-push.js).
 *
 * - install: precache the static files by their fingerprinted URLs (cache-first afterwards; the plain
 *   names the ES modules import are answered from them through staticAliases) and the offline page.
 * - message "warm" (sent by every signed-in page that opens online): fetch, with the session cookie,
 *   the pages that must open offline: the entry list, every kind's form, settings. Not at install:
 *   install may run while the person signs in, and a page fetched then would race the login.
 * - activate: keep pages the new cache could not fetch, drop old caches, claim the open pages.
 *   IndexedDB (the outbox) is never touched by an update.
 * - fetch: pages network-first with a cache fallback, then the offline page; static cache-first;
 *   the API always goes to the network.
 * - sync (Background Sync, tag "outbox"): send the outbox from here too.
 */

const CONFIG = self.BINHDANG_SW;
const STATIC_CACHE = `binhdang-static-${CONFIG.version}`;
const PAGES_CACHE = `binhdang-pages-${CONFIG.version}`;
const PREFIX = "binhdang-";
const STATIC_URLS = new Set(CONFIG.staticUrls);
const STATIC_ALIASES = CONFIG.staticAliases || {}; // plain path -> fingerprinted URL (module imports)
const PAGE_PATHS = new Set(CONFIG.pageUrls.concat([CONFIG.offlineUrl]));
const WARM_EVERY_MS = 60000;
let lastWarm = { key: null, at: 0, cached: 0 };

/** Fetch every offline page with the session cookie and keep those that really are the page. */
async function cachePages() {
  const cache = await caches.open(PAGES_CACHE);
  let cached = 0;
  await Promise.all(CONFIG.pageUrls.map(async (path) => {
    try {
      const response = await fetch(path, { credentials: "include", cache: "no-store" });
      // A redirect means "sign in first": never keep the login page in place of a form.
      if (response.ok && !response.redirected && response.type === "basic") {
        await cache.put(path, response);
        cached += 1;
      }
    } catch (error) {
      // Offline or the server is down: the pages already cached stay.
    }
  }));
  return cached;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    await cache.addAll(CONFIG.staticUrls.map((url) => new Request(url, { cache: "reload" })));
    const offline = await fetch(CONFIG.offlineUrl, { credentials: "omit", cache: "no-store" });
    if (offline.ok) await (await caches.open(PAGES_CACHE)).put(CONFIG.offlineUrl, offline);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const current = await caches.open(PAGES_CACHE);
    for (const name of await caches.keys()) {
      if (!name.startsWith(PREFIX) || name === STATIC_CACHE || name === PAGES_CACHE) continue;
      if (name.startsWith(`${PREFIX}pages-`)) {
        const old = await caches.open(name);
        for (const request of await old.keys()) {
          if (!(await current.match(request))) await current.put(request, await old.match(request));
        }
      }
      await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

/** Cache-first for static files (they change only with a new worker version); a plain name that the
 *  pages' modules import is answered from its precached fingerprinted copy. */
async function staticFile(request) {
  const cache = await caches.open(STATIC_CACHE);
  const alias = STATIC_ALIASES[new URL(request.url).pathname];
  const hit = (await cache.match(request, { ignoreSearch: true })) || (alias && (await cache.match(alias)));
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

/** The cached copy of a page: exact URL first, then the same page without its query (filters,
 *  ?outbox= and ?edit= on the forms), "/" as the entry list, and finally the offline page. */
async function cachedPage(url) {
  const cache = await caches.open(PAGES_CACHE);
  const path = url.pathname === "/" ? CONFIG.homeUrl : url.pathname;
  return (await cache.match(url.pathname + url.search)) || (await cache.match(path))
    || (await cache.match(CONFIG.offlineUrl))
    || new Response("<h1>Offline</h1>", { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

/** Network-first for a page; a slow network falls back to the cache after a while. */
async function page(event, keep) {
  const url = new URL(event.request.url);
  const network = fetch(event.request);
  network.catch(() => null); // a failure is handled by the race below
  if (keep) {
    event.waitUntil(network.then(async (response) => {
      if (response.ok && !response.redirected && response.type === "basic") {
        await (await caches.open(PAGES_CACHE)).put(url.pathname, response.clone());
      }
    }).catch(() => null));
  }
  const cache = await caches.open(PAGES_CACHE);
  const hasCopy = Boolean(await cache.match(url.pathname + url.search) || await cache.match(url.pathname));
  const timeout = new Promise((resolve) => {
    if (hasCopy) setTimeout(() => resolve(null), CONFIG.navigationTimeoutMs);
  });
  try {
    const response = await Promise.race([network, timeout]);
    if (response) return response;
  } catch (error) {
    // No network: the cache answers below.
  }
  return cachedPage(url);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  if (url.pathname.startsWith("/static/") || STATIC_URLS.has(url.pathname)) {
    event.respondWith(staticFile(request));
    return;
  }
  if (request.mode === "navigate") {
    // Only the offline pages are kept (and only without a query): nothing else piles up.
    event.respondWith(page(event, PAGE_PATHS.has(url.pathname) && !url.search));
    return;
  }
  if (request.headers.get("HX-Boosted") === "true") {
    event.respondWith(page(event, false)); // a boosted link: the full page, never kept from here
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (message) => event.source && event.source.postMessage(message);
  if (data.type === "warm") {
    const fresh = lastWarm.key === data.key && Date.now() - lastWarm.at < WARM_EVERY_MS;
    event.waitUntil((fresh ? Promise.resolve(lastWarm.cached) : cachePages()).then((cached) => {
      if (!fresh) lastWarm = { key: data.key, at: Date.now(), cached };
      reply({ type: "pages-cached", cached, total: CONFIG.pageUrls.length, version: CONFIG.version });
    }));
  } else if (data.type === "claim") {
    event.waitUntil(self.clients.claim());
  } else if (data.type === "status") {
    event.waitUntil(caches.open(PAGES_CACHE).then((cache) => cache.keys()).then((keys) => {
      reply({ type: "status", cached: keys.length, total: CONFIG.pageUrls.length, version: CONFIG.version });
    }));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil((async () => {
    const locale = await self.BinhdangOutbox.getMeta("locale"); // the language the pages were last shown in
    self.BinhdangSync.configure({ timeoutMs: CONFIG.syncTimeoutMs, locale: locale || "vi" });
    const outcome = await self.BinhdangSync.sync({ pull: false });
    // Unsent because of the network or the server: reject, so the browser tries again later.
    if (["network", "timeout", "server"].includes(outcome.status)) throw new Error(outcome.status);
  })());
});
