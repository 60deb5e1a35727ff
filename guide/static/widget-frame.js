// Inside the framed widget page (/widget): tell the page that frames it how tall the content is, so that
// /widget.js can size the iframe. Only a number is posted; the parent checks where it comes from.
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function post() {
    var height = Math.ceil(document.documentElement.scrollHeight);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ guideWidgetHeight: height }, "*");
    }
  }
  window.addEventListener("load", post);
  window.addEventListener("resize", post);
  if (window.ResizeObserver) new ResizeObserver(post).observe(document.body);
  post();
})();
