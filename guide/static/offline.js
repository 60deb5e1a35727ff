/* Offline support on every page (issue 12): registers the service worker (sw.js), shows the
 * « Hors connexion — informations du … » banner on a page the worker answered from its cache (or when the
 * connection drops), and on the offline page lists the pages kept for offline reading.
 * Everything it needs comes from its <script> tag's data attributes (URLs made by the server, texts
 * translated by gettext); text reaches the DOM as text nodes only.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var data = script.dataset;

  function showBanner() {
    if (document.getElementById('offline-banner') || !data.banner) return;
    var banner = document.createElement('p');
    banner.id = 'offline-banner';
    banner.className = 'offline-banner';
    banner.setAttribute('role', 'status');
    banner.appendChild(document.createTextNode(data.banner));
    var main = document.getElementById('contenu');
    if (main) main.insertBefore(banner, main.firstChild);
  }

  function hideBanner() {
    var banner = document.getElementById('offline-banner');
    if (banner) banner.parentNode.removeChild(banner);
  }

  window.addEventListener('offline', showBanner);
  window.addEventListener('online', hideBanner);
  if (navigator.onLine === false) showBanner();

  if (!('serviceWorker' in navigator) || !data.sw) return;
  var controlled = !!navigator.serviceWorker.controller;

  navigator.serviceWorker.addEventListener('message', function (event) {
    if (event.data && event.data.type === 'status' && event.data.fromCache) showBanner();
  });
  if (controlled) navigator.serviceWorker.controller.postMessage({ type: 'status' });

  function assets() {
    var urls = [];
    document.querySelectorAll('link[rel="stylesheet"][href], script[src], link[rel="icon"][href]')
      .forEach(function (element) { urls.push(element.href || element.src); });
    return urls;
  }

  window.addEventListener('load', function () {
    navigator.serviceWorker.register(data.sw, { scope: data.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (!registration.active) return;
      registration.active.postMessage({
        type: 'visited',
        offline: data.offlineUrl ? new URL(data.offlineUrl, location.href).href : null,
        page: controlled ? null : location.href, // a controlled page was kept by the worker itself
        assets: controlled ? [] : assets(),
      });
    }).catch(function () {
      // no service worker (private browsing, old browser): the site works online as before
    });
  });

  // The offline page: the pages kept for offline reading, most recent first, each with its title.
  var list = document.getElementById('offline-pages');
  if (!list || !('caches' in window)) return;

  function titleOf(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html'); // inert: nothing in it runs
    var heading = doc.querySelector('main h1');
    return (heading && heading.textContent.trim()) || doc.title || '';
  }

  caches.keys().then(function (names) {
    var pages = names.filter(function (name) { return name.indexOf('guide-pages-') === 0; });
    return Promise.all(pages.map(function (name) {
      return caches.open(name).then(function (cache) {
        return cache.keys().then(function (requests) {
          return Promise.all(requests.map(function (request) {
            return cache.match(request).then(function (response) {
              return response.text().then(function (html) { return { url: request.url, title: titleOf(html) }; });
            });
          }));
        });
      });
    }));
  }).then(function (groups) {
    var entries = [].concat.apply([], groups).reverse();
    if (!entries.length) return;
    var empty = document.getElementById('offline-empty');
    if (empty) empty.hidden = true;
    entries.forEach(function (entry) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = entry.url;
      link.appendChild(document.createTextNode(entry.title || entry.url));
      item.appendChild(link);
      list.appendChild(item);
    });
    list.hidden = false;
  }).catch(function () { /* the list stays empty: the message says so */ });
})();
