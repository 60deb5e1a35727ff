/* The guide's service worker (issue 12: offline on a phone with no data left).
 *
 * Served at the site's root by views/offline.py as sw.js?v=<static version>&offline=<offline page URL>;
 * registered by offline.js. What it does:
 * - public pages (navigations): network first; a copy is kept only when the server marked the response
 *   « Guide-Offline: page » (guide/offline.py: public routes only) and it is neither private nor no-store
 *   (every response that carries or sets a session cookie is private, no-store: nothing personal is kept).
 *   At most MAX_PAGES pages, the least recently opened dropped first. Without a network: the kept copy
 *   (the page shows its « Hors connexion — informations du … » banner), else the offline page.
 * - versioned static files (Cache-Control: immutable): cache first, at most MAX_ASSETS.
 * - the caches are named after the static files' version: a deployment empties them (activate).
 * No URL is written here: they all come from the server (the query string) or from the pages.
 */
'use strict';

const params = new URL(self.location.href).searchParams;
const VERSION = params.get('v') || 'dev';
const OFFLINE_URL = params.get('offline') ? new URL(params.get('offline'), self.location.href).href : null;
const PREFIX = 'guide-';
const PAGES = PREFIX + 'pages-' + VERSION;
const ASSETS = PREFIX + 'assets-' + VERSION;
const OFFLINE = PREFIX + 'offline-' + VERSION;
const MAX_PAGES = 60;
const MAX_ASSETS = 80;
const ASSET_DESTINATIONS = ['style', 'script', 'image', 'font', 'manifest'];
// pages answered from the cache, by client id: the page asks (« status ») whether it is one of them
const servedFromCache = new Set();

function sameOrigin(url) {
  return new URL(url, self.location.href).origin === self.location.origin;
}

function mayKeepPage(response) {
  const cacheControl = (response.headers.get('Cache-Control') || '').toLowerCase();
  return response.ok && response.type === 'basic' &&
    response.headers.get('Guide-Offline') === 'page' &&
    !cacheControl.includes('no-store') && !cacheControl.includes('private') &&
    (response.headers.get('Content-Type') || '').startsWith('text/html');
}

function mayKeepAsset(response) {
  const cacheControl = (response.headers.get('Cache-Control') || '').toLowerCase();
  return response.ok && response.type === 'basic' && cacheControl.includes('immutable') &&
    !cacheControl.includes('no-store') && !cacheControl.includes('private');
}

async function trim(cache, max) {
  const keys = await cache.keys(); // insertion order: the least recently stored first
  for (const request of keys.slice(0, Math.max(0, keys.length - max))) {
    await cache.delete(request);
  }
}

// A copy without the « redirected » flag (a redirected response cannot answer a navigation).
async function plainCopy(response) {
  return new Response(await response.blob(), {
    status: response.status, statusText: response.statusText, headers: response.headers,
  });
}

async function keepPage(url, response) {
  const cache = await caches.open(PAGES);
  const copy = await plainCopy(response);
  await cache.delete(url, { ignoreVary: true }); // stored again last: recently opened pages stay
  await cache.put(url, copy);
  await trim(cache, MAX_PAGES);
}

async function keepAsset(request, response) {
  const cache = await caches.open(ASSETS);
  await cache.put(request, response);
  await trim(cache, MAX_ASSETS);
}

// The offline page in the language of ``url``: the kept offline page whose folder is the longest start
// of ``url`` (/en/hors-connexion for /en/fiche/…, /hors-connexion otherwise).
async function offlinePage(url) {
  const cache = await caches.open(OFFLINE);
  let best = null;
  let bestLength = -1;
  for (const request of await cache.keys()) {
    const folder = request.url.slice(0, request.url.lastIndexOf('/') + 1);
    if (url.startsWith(folder) && folder.length > bestLength) {
      best = request;
      bestLength = folder.length;
    }
  }
  return best ? cache.match(best) : null;
}

async function navigation(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (mayKeepPage(response)) {
      event.waitUntil(keepPage(request.url, response.clone()));
    }
    return response;
  } catch (error) {
    const cache = await caches.open(PAGES);
    const kept = await cache.match(request.url, { ignoreVary: true, ignoreSearch: false });
    if (kept) {
      if (event.resultingClientId) servedFromCache.add(event.resultingClientId);
      return kept;
    }
    const offline = await offlinePage(request.url);
    return offline || Response.error();
  }
}

async function asset(request) {
  const cache = await caches.open(ASSETS);
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (mayKeepAsset(response)) await keepAsset(request, response.clone());
  return response;
}

async function keepOffline(url) {
  if (!url || !sameOrigin(url)) return;
  const cache = await caches.open(OFFLINE);
  if (!(await cache.match(url))) {
    const response = await fetch(url, { credentials: 'omit' });
    if (response.ok) await cache.put(url, await plainCopy(response));
  }
}

// A page opened before the worker controlled it (the first visit): keep it and its files now, from the
// browser's HTTP cache when it still has them.
async function visited(data) {
  await keepOffline(data.offline);
  if (data.page && sameOrigin(data.page)) {
    const response = await fetch(data.page, { cache: 'force-cache', credentials: 'same-origin' });
    if (mayKeepPage(response)) await keepPage(data.page, response);
  }
  const assets = Array.isArray(data.assets) ? data.assets.slice(0, 20) : [];
  for (const url of assets) {
    if (typeof url === 'string' && sameOrigin(url)) {
      try {
        await asset(new Request(url));
      } catch (error) {
        // an asset that cannot be fetched now is fetched again on the next visit
      }
    }
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(keepOffline(OFFLINE_URL).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const current = [PAGES, ASSETS, OFFLINE];
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && !current.includes(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !sameOrigin(request.url)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigation(event));
  } else if (ASSET_DESTINATIONS.includes(request.destination)) {
    event.respondWith(asset(request));
  }
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'visited') {
    event.waitUntil(visited(data).catch(() => undefined));
  } else if (data.type === 'status' && event.source) {
    event.source.postMessage({ type: 'status', fromCache: servedFromCache.has(event.source.id) });
  }
});
