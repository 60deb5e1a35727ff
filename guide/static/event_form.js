/* The event form (partner space): says the event's dates in plain words while the partner fills them in
   (« Tous les mardis de 14 h à 16 h, à partir du 2 décembre 2026, jusqu'au 30 juin 2027 »), and shows the
   end of a series only when the event repeats. The server says the same after saving
   (guide.services.agenda.describe). Written as text nodes only. */
(function () {
  "use strict";
  var form = document.getElementById("deform");
  if (!form || !form.elements.frequency) { return; }
  var WEEKDAYS = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
  var MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre"];
  var ORDINALS = ["1er", "2e", "3e", "4e", "dernier"];

  function field(name) { return form.elements[name]; }
  function value(name) { var f = field(name); return f && f.value ? f.value.trim() : ""; }
  function item(name) {
    var f = field(name);
    return f ? f.closest("[id^='item-']") || f.parentNode : null;
  }

  function parseDay(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) || /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/.exec(text);
    if (!m) { return null; }
    var iso = m[1].length === 4;
    var d = new Date(Number(iso ? m[1] : m[3]), Number(m[2]) - 1, Number(iso ? m[3] : m[1]));
    return isNaN(d.getTime()) ? null : d;
  }
  function parseTime(text) {
    var m = /^(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?/.exec(text);
    if (!m || Number(m[1]) > 23 || Number(m[2] || 0) > 59) { return null; }
    return Number(m[2] || 0) ? m[1].replace(/^0(\d)/, "$1") + " h " + m[2] : String(Number(m[1])) + " h";
  }
  function dayText(d) {
    return (d.getDate() === 1 ? "1er" : String(d.getDate())) + " " + MONTHS[d.getMonth()] + " " + d.getFullYear();
  }

  function sentence() {
    var day = parseDay(value("day"));
    var start = parseTime(value("start_time"));
    var end = parseTime(value("end_time"));
    if (!day || !start || !end) { return ""; }
    var weekday = WEEKDAYS[day.getDay()];
    var times = "de " + start + " à " + end;
    var frequency = value("frequency");
    if (!frequency) {
      var last = parseDay(value("end_day"));
      if (last && last > day) { return "Du " + dayText(day) + " " + start + " au " + dayText(last) + " " + end + "."; }
      return "Le " + weekday + " " + dayText(day) + " " + times + ".";
    }
    var what;
    if (frequency === "weekly") { what = "Tous les " + weekday + "s"; }
    else if (frequency === "biweekly") { what = "Un " + weekday + " sur deux"; }
    else { what = "Le " + ORDINALS[Math.min(Math.floor((day.getDate() - 1) / 7), 4)] + " " + weekday + " du mois"; }
    var text = what + " " + times + ", à partir du " + dayText(day);
    var until = parseDay(value("until"));
    var count = value("count");
    if (count && /^\d+$/.test(count)) { text += ", " + count + " fois"; }
    else if (until) { text += ", jusqu'au " + dayText(until); }
    else { text += " (indiquez jusqu'à quand, ou combien de fois)"; }
    return text + ".";
  }

  var summary = document.createElement("p");
  summary.id = "event-when";
  summary.className = "flash flash-info event-when";
  summary.setAttribute("aria-live", "polite");
  var anchor = item("frequency");
  if (anchor && anchor.parentNode) { anchor.parentNode.insertBefore(summary, anchor.nextSibling); }

  function showIf(name, shown) {
    var node = item(name);
    if (node) { node.hidden = !shown && !value(name) && !node.querySelector(".invalid-feedback, .error-msg"); }
  }

  function refresh() {
    var repeats = Boolean(value("frequency"));
    ["until", "count"].forEach(function (name) {
      var node = item(name);
      if (node) { node.hidden = !repeats && !node.querySelector(".invalid-feedback, .error-msg"); }
    });
    var node = item("end_day");
    if (node) { node.hidden = repeats && !node.querySelector(".invalid-feedback, .error-msg"); }
    var paying = form.querySelector("input[type=radio][value='non']");
    showIf("tarif", !paying || paying.checked);
    showIf("inscription_modalites", value("inscription") !== "aucune");
    summary.textContent = sentence();
    summary.hidden = !summary.textContent;
  }
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();
})();
