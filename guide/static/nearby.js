/* « Autour de moi » on the home page: the browser's position → the results sorted by distance
   (/recherche?lat=…&lon=…&tri=distance). The button appears only where scripts run; every failure says
   why in French, in the status line beside it (text nodes only). */
(function () {
  "use strict";
  var button = document.querySelector("[data-nearby]");
  if (!button) { return; }
  var message = document.querySelector("[data-nearby-message]");
  var say = function (text) { if (message) { message.textContent = text; } };
  // the page's language: the template gives the words (data-msg-*), French when it does not
  var words = function (name, french) { return button.getAttribute("data-msg-" + name) || french; };
  button.hidden = false;
  button.addEventListener("click", function () {
    if (!navigator.geolocation || !window.isSecureContext) {
      say(words("unsupported", "Votre navigateur ne peut pas donner votre position ici. Choisissez votre " +
          "quartier sur la carte ci-dessous, ou cherchez un service par son nom."));
      return;
    }
    button.disabled = true;
    say(words("searching", "Recherche de votre position…"));
    navigator.geolocation.getCurrentPosition(function (pos) {
      var url = new URL(button.getAttribute("data-search-url"), window.location.href);
      url.searchParams.set("lat", pos.coords.latitude.toFixed(5));
      url.searchParams.set("lon", pos.coords.longitude.toFixed(5));
      url.searchParams.set("tri", "distance");
      window.location.href = url.toString();
    }, function (error) {
      button.disabled = false;
      if (error && error.code === 1) {
        say(words("denied", "Vous n'avez pas autorisé l'accès à votre position. Autorisez-le dans les " +
            "réglages du navigateur, ou choisissez votre quartier sur la carte ci-dessous."));
      } else {
        say(words("unavailable", "Votre position est introuvable pour le moment. Réessayez dehors ou près " +
            "d'une fenêtre, ou choisissez votre quartier sur la carte ci-dessous."));
      }
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
  });
})();
