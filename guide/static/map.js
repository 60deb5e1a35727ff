/* Progressive enhancement of the quartier map: where scripts run, every
   <div class="leaflet-map" data-geojson-url="…" data-tiles="…"> becomes a Leaflet map (zoom, popups with
   links) drawn from the GeoJSON at data-geojson-url. Tiles only when data-tiles (a {z}/{x}/{y} URL template)
   is not empty. Until then, and if anything fails, the server-drawn SVG stays in place.

   Leaflet itself (its script and style sheet, data-leaflet-js / data-leaflet-css, the site's own files) is
   fetched only when a map is about to be seen: its block comes within 300 px of the viewport
   (IntersectionObserver), at once where the browser has no IntersectionObserver. A visitor who never
   scrolls to the map never downloads it; the SVG map and the list of quartiers work without it. */
(function () {
  "use strict";

  var FILLS = ["#f3f4f8", "#d6e6f6", "#afcdee", "#88b5e5"]; // same classes as the SVG map
  var HIGHLIGHT = "#ffe08a";
  var MARKER = { radius: 7, color: "#ffffff", weight: 2, fillColor: "#004f9f", fillOpacity: 1 };

  function fillFor(count, largest) {
    if (!count || !largest) { return FILLS[0]; }
    return FILLS[Math.min(3, 1 + Math.floor(3 * (count - 1) / largest))];
  }

  // Leaflet inserts a string content with innerHTML: names (lieux, quartiers, organisations) are typed by
  // partners and coordinators, so tooltips and popups are always DOM nodes built with textContent.
  function textNode(tag, text) {
    var element = document.createElement(tag);
    element.textContent = text == null ? "" : String(text);
    return element;
  }

  // Only links within the site or to http(s): never a javascript: URL from the data.
  function safeHref(url) {
    var text = String(url || "");
    return /^(\/(?!\/)|https?:\/\/)/i.test(text) ? text : "";
  }

  // the page's language: the template gives the words (data-msg-*), French when it does not
  function message(name, french) {
    var map = document.querySelector(".leaflet-map");
    return (map && map.getAttribute("data-msg-" + name)) || french;
  }

  function tooltip(properties) {
    return textNode("span", properties.label);
  }

  function popup(properties) {
    var box = document.createElement("div");
    box.appendChild(textNode("strong", properties.number ? properties.number + ". " + properties.label
                                                         : properties.label));
    var href = safeHref(properties.url);
    if (href) {
      var line = document.createElement("div");
      var link = textNode("a", properties.kind === "quartier" ? message("quartier", "Voir les fiches du quartier")
                                                            : message("fiche", "Voir la fiche"));
      link.href = href;
      line.appendChild(link);
      box.appendChild(line);
    }
    if (properties.schematic) {
      var note = textNode("div", message("schematic", "Contours schématiques"));
      note.className = "map-popup-note";
      box.appendChild(note);
    }
    return box;
  }

  // The attribution control is the one place where Leaflet takes HTML only: escape the setting's text.
  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function build(element, data) {
    var tiles = (element.getAttribute("data-tiles") || "").trim();
    var highlight = element.getAttribute("data-highlight") || "";
    var largest = 0;
    (data.features || []).forEach(function (feature) {
      var count = feature.properties && feature.properties.count;
      if (count > largest) { largest = count; }
    });
    element.hidden = false;
    var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25, zoomControl: false });
    // Leaflet's zoom buttons say « Zoom in » whatever the page's language: its words from the template
    L.control.zoom({
      zoomInTitle: message("zoom-in", "Zoom avant"),
      zoomOutTitle: message("zoom-out", "Zoom arrière")
    }).addTo(map);
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 19,
        attribution: escapeHtml(element.getAttribute("data-tiles-attribution") || "")
      }).addTo(map);
    }
    var layer = L.geoJSON(data, {
      style: function (feature) {
        var p = feature.properties || {};
        // L.geoJSON applies this to the points' circle markers too: the SVG map's blue dots
        if (p.kind === "marker") { return MARKER; }
        var highlighted = highlight && p.code === highlight;
        return {
          color: highlighted ? "#1b1b1f" : "#4a5468",
          weight: highlighted ? 3 : 1,
          fillColor: highlighted ? HIGHLIGHT : fillFor(p.count, largest),
          fillOpacity: tiles ? 0.45 : 1
        };
      },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, MARKER);
      },
      onEachFeature: function (feature, item) {
        var p = feature.properties || {};
        // Functions: Leaflet asks for fresh content each time it opens (a node, never a string).
        item.bindPopup(function () { return popup(p); });
        if (p.label) { item.bindTooltip(function () { return tooltip(p); }, { sticky: p.kind === "quartier" }); }
      }
    }).addTo(map);
    // the polygons and dots are drawn in an unnamed SVG: its content is the list of the block, in text
    var drawing = element.querySelector(".leaflet-overlay-pane svg");
    if (drawing) { drawing.setAttribute("aria-hidden", "true"); }
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12] });
    } else {
      map.setView([45.7772, 3.0870], 13); // Clermont-Ferrand, place de Jaude
    }
    // The Leaflet map replaces the static SVG of the same block (the text list stays).
    var block = element.closest(".quartier-map-block");
    var fallback = block && block.querySelector(".quartier-map-static");
    if (fallback) { fallback.hidden = true; }
    element.classList.add("leaflet-map-ready");
  }

  // Leaflet's files, added to the page once (script and style sheet elements with the site's URLs: the
  // Content-Security-Policy allows the site's own files only, never inline code).
  var leaflet = null;
  function loadLeaflet(element) {
    if (window.L) { return Promise.resolve(); }
    if (leaflet) { return leaflet; }
    var js = element.getAttribute("data-leaflet-js");
    var css = element.getAttribute("data-leaflet-css");
    if (!js) { return Promise.reject(new Error("no Leaflet")); }
    leaflet = new Promise(function (resolve, reject) {
      if (css) {
        var sheet = document.createElement("link");
        sheet.rel = "stylesheet";
        sheet.href = css;
        document.head.appendChild(sheet);
      }
      var script = document.createElement("script");
      script.src = js;
      script.onload = function () { return window.L ? resolve() : reject(new Error("no Leaflet")); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return leaflet;
  }

  function enhance(element) {
    var url = element.getAttribute("data-geojson-url");
    if (!url || !window.fetch || !window.Promise || element.getAttribute("data-map-started")) { return; }
    element.setAttribute("data-map-started", "1");
    var headers = { Accept: "application/geo+json, application/json" };
    var data = fetch(url, { headers: headers, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
    Promise.all([data, loadLeaflet(element)])
      .then(function (results) { build(element, results[0]); })
      .catch(function () { element.hidden = true; }); // the SVG stays
  }

  function start() {
    var maps = document.querySelectorAll(".leaflet-map[data-geojson-url]");
    if (!window.IntersectionObserver) { maps.forEach(enhance); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) { return; }
        observer.unobserve(entry.target);
        entry.target.querySelectorAll(".leaflet-map[data-geojson-url]").forEach(enhance);
      });
    }, { rootMargin: "300px 0px" });
    // the block is observed: the Leaflet element itself is hidden (no box) until its map is drawn
    maps.forEach(function (element) {
      observer.observe(element.closest(".quartier-map-block") || element.parentNode);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
