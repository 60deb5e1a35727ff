// The Guide du territoire's widget, for partners' web sites. Paste:
//   <div data-guide-widget data-organisation="votre-structure"></div>
//   <script src="https://guide.example.fr/widget.js" async></script>
// (or data-thematique="…" / data-quartier="…"; colours: data-couleur="#004f9f" data-fond="#ffffff";
// data-limite="10"). The attributes may also sit on the <script> itself: the widget then goes after it.
// Each becomes an <iframe> of the guide's /widget page (no cookie); its height follows the content.
// Built with DOM calls only (no HTML strings).
(function () {
  "use strict";
  var PARAMS = ["organisation", "thematique", "quartier", "couleur", "fond", "limite"];
  var script = document.currentScript || document.querySelector('script[src$="/widget.js"]');
  if (!script) return;
  var origin = new URL(script.src, document.baseURI).origin;
  var frames = [];

  function query(element) {
    var search = new URLSearchParams();
    PARAMS.forEach(function (name) {
      var value = element.getAttribute("data-" + name);
      if (value) search.set(name, value);
    });
    return search;
  }

  function mount(container, search, after) {
    if (container.getAttribute && container.getAttribute("data-guide-widget-ready")) return;
    var frame = document.createElement("iframe");
    frame.src = origin + "/widget?" + search.toString();
    frame.title = "Guide du territoire : services et horaires";
    frame.loading = "lazy";
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.width = "100%";
    frame.height = "320";
    frame.style.border = "0";
    frame.style.width = "100%";
    frame.style.display = "block";
    if (after) {
      container.parentNode.insertBefore(frame, container.nextSibling);
    } else {
      container.setAttribute("data-guide-widget-ready", "1");
      container.appendChild(frame);
    }
    frames.push(frame);
  }

  document.querySelectorAll("[data-guide-widget]").forEach(function (element) {
    mount(element, query(element), false);
  });
  var own = query(script);
  if (own.toString()) mount(script, own, true);

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || typeof event.data.guideWidgetHeight !== "number") return;
    frames.forEach(function (frame) {
      if (frame.contentWindow === event.source) {
        var height = Math.max(80, Math.min(4000, Math.round(event.data.guideWidgetHeight)));
        frame.style.height = height + "px";
      }
    });
  });
})();
