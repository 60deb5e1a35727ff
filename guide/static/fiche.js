/* Progressive enhancement of the fiche page's actions bar (everything works without it, as plain links):
   - « Partager » opens the phone's own share sheet where the Web Share API exists;
   - « Copier le lien » appears where the Clipboard API exists, and says when the link is copied;
   - one menu open at a time, Escape closes it;
   - a Leaflet map of the lieu, when tiles are configured and Leaflet is loaded (the SVG plan stays otherwise).
   Text reaches the page only through textContent. */
(function () {
  "use strict";

  var menus = Array.prototype.slice.call(document.querySelectorAll(".action-menu"));

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) { return; }
      menus.forEach(function (other) { if (other !== menu) { other.open = false; } });
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    menus.forEach(function (menu) {
      if (menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) { if (menu.open && !menu.contains(event.target)) { menu.open = false; } });
  });

  var share = document.querySelector("[data-share]");
  if (share) {
    var title = share.getAttribute("data-share-title") || document.title;
    var url = share.getAttribute("data-share-url") || window.location.href;
    var status = share.querySelector(".share-status");
    var say = function (text) { if (status) { status.textContent = text; } };
    if (navigator.share) {
      share.querySelector("summary").addEventListener("click", function (event) {
        event.preventDefault();
        navigator.share({ title: title, url: url }).catch(function () {
          share.open = true; // cancelled or refused: the menu's links remain
        });
      });
    }
    var copy = share.querySelector("[data-copy]");
    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(function () {
          say(share.getAttribute("data-msg-copied") || "Lien copié : collez-le dans un message.");
        }, function () {
          var field = share.querySelector("input");
          if (field) { field.select(); }
          say(share.getAttribute("data-msg-copy-failed") ||
              "Copie impossible : le lien est sélectionné, copiez-le à la main.");
        });
      });
    }
  }

  var mapBox = document.querySelector(".lieu-map[data-lat][data-lon]");
  if (mapBox && window.L) {
    var lat = parseFloat(mapBox.getAttribute("data-lat"));
    var lon = parseFloat(mapBox.getAttribute("data-lon"));
    var tiles = (mapBox.getAttribute("data-tiles") || "").trim();
    if (isFinite(lat) && isFinite(lon) && tiles) {
      mapBox.hidden = false;
      var map = window.L.map(mapBox, { scrollWheelZoom: false }).setView([lat, lon], 17);
      window.L.tileLayer(tiles, { maxZoom: 19, attribution: "© les contributeurs d’OpenStreetMap" }).addTo(map);
      var marker = window.L.circleMarker([lat, lon], { radius: 9, color: "#ffffff", weight: 3, fillColor: "#004f9f", fillOpacity: 1 });
      var label = document.createElement("span");
      label.textContent = mapBox.getAttribute("data-label") || "";
      marker.bindTooltip(label, { permanent: true, direction: "top", offset: [0, -8] }).addTo(map);
      mapBox.parentNode.classList.add("has-lieu-map"); // the SVG plan steps aside (phone.css)
    }
  }
})();
