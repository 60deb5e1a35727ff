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

/* A form shown again with its errors. With a list of them (templates/macros.jinja2, form_errors), the list
   takes the focus: it is in view at the top, a screen reader reads it, and each link puts the cursor in its
   field with the label in view. Otherwise the cursor goes to the first field in error — a screen reader then
   reads its label, its error and its help (aria-describedby, templates/deform/mapping_item.pt) — instead
   of the field the empty form starts in (autofocus). */
(function () {
  "use strict";
  // a field marked invalid, or a time of a day of the hours grid in error
  var INVALID = "[aria-invalid='true'], .has-error input:not([type=hidden])";
  function fieldOf(anchor) {
    var place = document.getElementById(anchor);
    if (!place) { return null; }
    // « error-<oid> »: the message of a sequence item, whose input has the id <oid>
    var own = anchor.indexOf("error-") === 0 ? document.getElementById(anchor.slice(6)) : place;
    if (own && own.matches("input, select, textarea")) { return own; }
    return place.querySelector(INVALID) || place.querySelector("input:not([type=hidden]), select, textarea");
  }
  var summary = document.querySelector(".error-summary");
  var links = summary ? summary.querySelectorAll("a[href^='#']") : [];
  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      var anchor = link.getAttribute("href").slice(1);
      var field = fieldOf(anchor);
      if (!field) { return; }
      event.preventDefault();
      document.getElementById(anchor).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  });
  if (links.length) { summary.focus(); return; }
  var invalid = document.querySelector(INVALID);  // the first in the page's order
  if (invalid) { invalid.focus(); }
})();
