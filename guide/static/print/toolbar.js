/* The « Imprimer » button of the printable pages (no inline onclick: the Content-Security-Policy forbids it). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
