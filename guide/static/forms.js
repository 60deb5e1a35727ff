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

    /* « Copier le lundi sur les autres jours »: Monday's times and « sur rendez-vous » boxes, values only. */
    var copy = widget.querySelector(".hours-copy-monday");
    if (copy) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        ["Tu", "We", "Th", "Fr", "Sa", "Su"].forEach(function (day) {
          widget.querySelectorAll("[name^='Mo-']").forEach(function (source) {
            var target = widget.querySelector("[name='" + day + source.name.slice(2) + "']");
            if (!target) { return; }
            if (source.type === "checkbox") { target.checked = source.checked; } else { target.value = source.value; }
          });
        });
      });
    }
  });
})();

/* deform's sequence widget (e.g. the temporary closures) without inline scripts or onclick attributes, which
   the Content-Security-Policy forbids (templates/deform/sequence.pt): the add and remove buttons are wired
   here and deform.js does the work. */
(function () {
  "use strict";
  if (!window.deform || !window.jQuery) { return; }

  function refresh(sequence) {
    var $sequence = window.jQuery(sequence);
    var before = $sequence.find(".deform-insert-before").last();
    window.deform.processSequenceButtons(
      $sequence,
      parseInt(before.attr("min_len") || "0", 10),
      parseInt(before.attr("max_len") || "9999", 10),
      parseInt(before.attr("now_len") || "0", 10),
      0
    );
  }

  document.querySelectorAll(".deform-seq").forEach(refresh);
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var add = target.closest(".deform-seq-add");
    if (add) {
      event.preventDefault();
      window.deform.appendSequenceItem(add);
      return;
    }
    var remove = target.closest(".deform-close-button");
    if (remove && remove.closest(".deform-seq")) {
      event.preventDefault();
      window.deform.removeSequenceItem(remove);
    }
  });
})();

/* A summary's length beside its field, against what the paper guide prints (data-print-limit, written by
   schemas/fiche.py with its words): a text node, updated as the partner types. */
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-print-limit]").forEach(function (field) {
    var limit = parseInt(field.getAttribute("data-print-limit"), 10);
    var note = document.createElement("p");
    note.className = "char-count";
    note.id = field.id + "-count";
    field.insertAdjacentElement("afterend", note);
    function update() {
      var count = field.value.length;
      var over = count > limit;
      note.textContent = count + " / " + limit + " " + field.getAttribute("data-count-label") +
        (over ? " — " + field.getAttribute("data-over-label") : "");
      note.classList.toggle("char-count-over", over);
    }
    field.addEventListener("input", update);
    update();
  });
})();

/* A form shown again with its errors: the cursor goes to the first field in error — a screen reader then
   reads its label, its error and its help (aria-describedby, templates/deform/mapping_item.pt) — instead
   of the field the empty form starts in (autofocus). */
(function () {
  "use strict";
  // the first in the page's order: a field marked invalid, or a time of a day of the hours grid in error
  var invalid = document.querySelector("form [aria-invalid='true'], form .has-error input:not([type=hidden])");
  if (invalid && typeof invalid.focus === "function") { invalid.focus(); }
})();
