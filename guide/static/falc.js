/* « En mots simples »: refresh the readability hint while the partner types (the server computes it:
   rare words need the French word-frequency list). Debounced; answers are written as text nodes only. */
(function () {
  "use strict";
  var DELAY = 600;
  document.querySelectorAll("textarea[data-readability-url]").forEach(function (area) {
    var url = area.getAttribute("data-readability-url");
    var hint = document.getElementById(area.getAttribute("data-hint"));
    var counter = document.getElementById(area.getAttribute("data-count"));
    var form = area.form;
    var token = form ? form.querySelector("input[name=csrf_token]") : null;
    if (!url || !hint || !token) { return; }
    var timer = null;
    var sent = 0;

    function line(tag, className, text) {
      var node = document.createElement(tag);
      if (className) { node.className = className; }
      node.appendChild(document.createTextNode(text));
      return node;
    }

    function show(report, title) {
      while (hint.firstChild) { hint.removeChild(hint.firstChild); }
      hint.appendChild(line("p", "falc-hint-title", title));
      if (!report.words) {
        hint.appendChild(line("p", "falc-empty muted", hint.getAttribute("data-empty") || ""));
        return;
      }
      hint.appendChild(line("p", "falc-figures", report.figures));
      if (report.ok) { hint.appendChild(line("p", "falc-ok", report.ok_text)); }
      if (report.advice.length) {
        var list = document.createElement("ul");
        list.className = "falc-advice";
        report.advice.forEach(function (advice) { list.appendChild(line("li", "", advice)); });
        hint.appendChild(list);
      }
    }

    function check() {
      var number = ++sent;
      var body = new URLSearchParams();
      body.append("text", area.value.slice(0, 600));
      body.append("csrf_token", token.value);
      fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (report) {
          if (report && number === sent) { show(report, report.title); }
        })
        .catch(function () { /* the server-side hint stays: it is refreshed at the next save */ });
    }

    area.addEventListener("input", function () {
      if (counter) {
        var value = counter.querySelector("[data-count-value]");
        if (value) { value.textContent = String(area.value.length); }
      }
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(check, DELAY);
    });
  });
})();
