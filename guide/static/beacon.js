// Counts a click on a fiche's telephone or itinerary link (data-action="appeler", "itineraire-geo",
// "itineraire-osm" on the fiche page; "call" and "directions" anywhere else) for the
// city's indicators: one navigator.sendBeacon POST with the action and the fiche, nothing about the visitor.
// The server checks the Origin, limits the rate and keeps only a count per day. Without sendBeacon (or
// without JavaScript) nothing is sent and the link works as usual.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-beacon-url");
  if (!url || !navigator.sendBeacon || !window.URLSearchParams) {
    return;
  }
  // the page's names -> the counter's; opening the « Itinéraire » menu itself is not counted, its links are
  var ACTIONS = {
    call: "call",
    appeler: "call",
    directions: "directions",
    "itineraire-geo": "directions",
    "itineraire-osm": "directions"
  };
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-action]") : null;
    if (!target) {
      return;
    }
    var action = ACTIONS[target.getAttribute("data-action")];
    if (!action) {
      return;
    }
    var holder = target.closest("[data-fiche]");
    var data = new URLSearchParams();
    data.set("action", action);
    if (holder) {
      data.set("fiche", holder.getAttribute("data-fiche") || "");
    }
    data.set("page", window.location.pathname);
    try {
      navigator.sendBeacon(url, data);
    } catch (error) {
      // a count lost is no reason to stop the visitor
    }
  }, true);
})();
