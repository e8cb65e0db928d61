/* Address autocomplete (ARIA 1.2 combobox). Enhances forms with a .fcu-autocomplete group whose
 * data-autocomplete-url answers {results: [{label, lat, lon, citycode, ban_id}]}. Picking a
 * suggestion fills the hidden lat/lon/citycode/label fields, so the server needs no geocoding.
 * Without JavaScript the form still works: the server geocodes the typed text. */
(function () {
  "use strict";

  function setup(group, index) {
    var input = group.querySelector("input[type=text]");
    var form = group.closest("form");
    if (!input || !form) return;
    var listId = "suggestions-adresse-" + index;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "fcu-autocomplete__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Adresses suggérées");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    var status = document.createElement("p");
    status.className = "fr-sr-only";
    status.setAttribute("role", "status");
    group.appendChild(status);
    // Why no suggestion comes (rate limit, service unavailable): visible and read out.
    var notice = document.createElement("div");
    notice.className = "fr-messages-group fcu-autocomplete__notice";
    notice.id = "message-suggestions-" + index;
    notice.setAttribute("aria-live", "polite");
    var noticeText = document.createElement("p");
    noticeText.className = "fr-message fr-message--info";
    noticeText.hidden = true;
    notice.appendChild(noticeText);
    list.insertAdjacentElement("afterend", notice);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var hidden = {};
    ["lat", "lon", "citycode", "label"].forEach(function (name) {
      hidden[name] = form.querySelector("input[type=hidden][name=" + name + "]");
    });
    var results = [];
    var active = -1;
    var timer = null;
    var controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(position) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === position ? "true" : "false");
      });
      active = position;
      if (position >= 0 && options[position]) {
        input.setAttribute("aria-activedescendant", options[position].id);
        options[position].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(position) {
      var result = results[position];
      if (!result) return;
      input.value = result.label;
      if (hidden.lat) hidden.lat.value = result.lat;
      if (hidden.lon) hidden.lon.value = result.lon;
      if (hidden.citycode) hidden.citycode.value = result.citycode;
      if (hidden.label) hidden.label.value = result.label;
      close();
      status.textContent = "Adresse choisie : " + result.label;
    }

    function say(text) {
      noticeText.textContent = text;
      noticeText.hidden = !text;
    }

    var RATE_LIMITED =
      "Trop de recherches en peu de temps : réessayez dans quelques secondes ou validez " +
      "l’adresse saisie.";
    var UNAVAILABLE =
      "Les suggestions d’adresses sont momentanément indisponibles : validez l’adresse " +
      "saisie, nous la chercherons pour vous.";

    function render() {
      say("");
      list.textContent = "";
      results.forEach(function (result, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.className = "fcu-autocomplete__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = result.label;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(option);
      });
      var open = results.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      status.textContent = open
        ? results.length + (results.length > 1 ? " adresses suggérées" : " adresse suggérée") +
          ", utilisez les flèches pour choisir."
        : "Aucune adresse suggérée.";
      active = -1;
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query.length < 3) {
        results = [];
        close();
        say("");
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      var url = group.dataset.autocompleteUrl + "?q=" + encodeURIComponent(query);
      fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 429) throw new Error(RATE_LIMITED);
          if (!response.ok) throw new Error(UNAVAILABLE);
          return response.json();
        })
        .then(function (body) {
          results = body.results || [];
          render();
        })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          results = [];
          close();
          say(error.message === RATE_LIMITED ? RATE_LIMITED : UNAVAILABLE);
        });
    }

    input.addEventListener("input", function () {
      if (hidden.label) hidden.label.value = "";
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && results.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          highlight(0);
          event.preventDefault();
        }
        return;
      }
      if (event.key === "ArrowDown") {
        highlight(Math.min(active + 1, results.length - 1));
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        highlight(Math.max(active - 1, 0));
        event.preventDefault();
      } else if (event.key === "Enter" && active >= 0) {
        choose(active);
        event.preventDefault();
      } else if (event.key === "Escape") {
        close();
        event.preventDefault();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  document.querySelectorAll(".fcu-autocomplete[data-autocomplete-url]").forEach(setup);
})();
