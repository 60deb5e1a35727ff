/* The edition's PDF generation page: polls the progress URL (data-url) every second and updates the bar and
   the status line with text nodes; reloads the page once the PDF is ready or the generation failed. */
(function () {
  "use strict";
  var box = document.getElementById("generation");
  if (!box || box.getAttribute("data-running") !== "1") { return; }
  var bar = document.getElementById("progression");
  var percent = document.getElementById("pourcentage");
  var state = document.getElementById("etat");
  function poll() {
    fetch(box.getAttribute("data-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        bar.textContent = data.progress + " %";
        percent.textContent = data.progress + " %";
        while (state.firstChild) { state.removeChild(state.firstChild); }
        var label = document.createElement("strong");
        label.textContent = data.label;
        state.appendChild(label);
        if (data.message) { state.appendChild(document.createTextNode(" — " + data.message)); }
        if (data.done || data.failed) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
