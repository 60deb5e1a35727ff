/* Progressive enhancement for the opening-hours widget: show only the chosen input mode. */
(function () {
  "use strict";
  document.querySelectorAll(".hours-widget").forEach(function (widget) {
    function update() {
      var checked = widget.querySelector("input[name=mode]:checked");
      var mode = checked ? checked.value : "grid";
      widget.classList.remove("mode-grid", "mode-raw");
      widget.classList.add("js-hours", "mode-" + mode);
    }
    widget.querySelectorAll("input[name=mode]").forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  });
})();
