/* The results page's « Autour de moi » button: shown only where the browser can locate; reloads the results
   sorted by distance from the visitor's position (rounded to about a metre). */
(function () {
  "use strict";
  var button = document.querySelector("[data-locate]");
  if (!button || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      var url = new URL(window.location.href);
      url.searchParams.set("lat", pos.coords.latitude.toFixed(5));
      url.searchParams.set("lon", pos.coords.longitude.toFixed(5));
      url.searchParams.set("tri", "distance");
      url.searchParams.delete("page");
      window.location.href = url.toString();
    });
  });
})();
