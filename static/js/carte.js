/* The map of the networks (/carte): vector tiles of each layer (Leaflet.VectorGrid, SVG
 * renderer), a layers control, popups, and the address search that centres the map and shows
 * the verdict. The configuration comes from the JSON script #config-carte (map_views.map_page).
 * Tiles and the API give lon/lat; Leaflet works in lat/lon: toLatLng() converts. */
(function () {
  "use strict";
  var element = document.getElementById("carte-reseaux");
  var configElement = document.getElementById("config-carte");
  if (!window.L || !L.vectorGrid || !element || !configElement) return;
  var config = JSON.parse(configElement.textContent);
  var POINT_ZOOM = config.pointZoom; // networks are points up to this zoom
  var FRANCE = [[41.3, -5.2], [51.1, 9.6]];

  var COLORS = {
    heat: "#e1000f",
    future: "#c3992a",
    pdp: "#6a6af4",
    cold: "#0078f3",
    plants: "#3a3a3a",
  };
  var point = function (color) {
    return { radius: 4, weight: 1, color: "#ffffff", fill: true, fillColor: color, fillOpacity: 1 };
  };
  var STYLES = {
    heat: function (properties, zoom) {
      return zoom <= POINT_ZOOM ? point(COLORS.heat) : { color: COLORS.heat, weight: 3, fill: false };
    },
    cold: function (properties, zoom) {
      return zoom <= POINT_ZOOM ? point(COLORS.cold) : { color: COLORS.cold, weight: 3, fill: false };
    },
    future: function (properties, zoom) {
      if (zoom <= POINT_ZOOM) return point(COLORS.future);
      if (properties.part === "zone") {
        return { color: COLORS.future, weight: 1, fill: true, fillColor: COLORS.future, fillOpacity: 0.25 };
      }
      return { color: COLORS.future, weight: 3, dashArray: "6 4", fill: false };
    },
    pdp: { color: COLORS.pdp, weight: 1, fill: true, fillColor: COLORS.pdp, fillOpacity: 0.2 },
    plants: { radius: 5, weight: 1, color: "#ffffff", fill: true, fillColor: COLORS.plants, fillOpacity: 1 },
  };

  function toLatLng(lon, lat) {
    return L.latLng(lat, lon);
  }

  /* --- The map and its layers ----------------------------------------------------------- */

  var map = L.map(element, {
    minZoom: 2,
    maxZoom: 18,
    zoomControl: false,
  });
  L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(escapeHtml(element.dataset.dataAttribution));
  L.tileLayer(element.dataset.tilesUrl, {
    attribution: element.dataset.tilesAttribution,
    maxZoom: 19,
  }).addTo(map);

  var overlays = {};
  config.layers.forEach(function (layer, index) {
    var grid = L.vectorGrid.protobuf(config.tiles.replace("{layer}", layer.id), {
      rendererFactory: L.svg.tile,
      vectorTileLayerStyles: (function () {
        var styles = {};
        styles[layer.id] = STYLES[layer.id];
        return styles;
      })(),
      interactive: true,
      minZoom: layer.minZoom,
      maxZoom: 18,
      zIndex: 10 + (config.layers.length - index),
    });
    grid.on("click", function (event) {
      openPopup(layer.id, event.layer.properties || {}, event.latlng);
    });
    grid.addTo(map);
    var label =
      '<span class="fcu-legend__swatch fcu-legend__swatch--' + layer.id + '" aria-hidden="true"></span>' +
      escapeHtml(layer.label);
    overlays[label] = grid;
  });
  if (element.dataset.ambassadorsUrl) {
    // Connected condominiums that volunteer to talk (public fields only, street-level points).
    var ambassadors = L.geoJSON(null, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 7, color: "#18753c", fillColor: "#b8fec9", fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties || {};
        marker.bindPopup(
          "<p class=\"fr-text--bold fr-mb-1v\">Copropriété ambassadrice, " + escapeHtml(p.commune || "") + "</p>" +
          (p.network_name ? "<p class=\"fr-mb-1v\">Raccordée au réseau " + escapeHtml(p.network_name) + "</p>" : "") +
          "<p class=\"fr-mb-0\"><a href=\"" + escapeHtml(p.url || "") + "\">Lire son témoignage et la contacter</a></p>"
        );
      },
    }).addTo(map);
    fetch(element.dataset.ambassadorsUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) ambassadors.addData(data); })
      .catch(function () {});
    overlays[
      '<span class="fcu-legend__swatch fcu-legend__swatch--ambassadors" aria-hidden="true"></span>' +
      "Copropriétés ambassadrices"
    ] = ambassadors;
  }
  var control = L.control
    .layers(null, overlays, { collapsed: false, position: "topright", autoZIndex: false })
    .addTo(map);
  var controlContainer = control.getContainer();
  controlContainer.setAttribute("role", "group");
  controlContainer.setAttribute("aria-label", "Couches de la carte");

  setInitialView(config.view);
  element.dataset.mapReady = "true";

  function setInitialView(view) {
    if (view && view.bounds) {
      map.fitBounds(view.bounds, { padding: [20, 20], maxZoom: 16 });
    } else if (view && view.center) {
      map.setView(view.center, view.zoom);
    } else {
      map.fitBounds(FRANCE);
    }
  }

  /* --- Popups ----------------------------------------------------------------------------- */

  function openPopup(layerId, properties, latlng) {
    var content = POPUPS[layerId](properties);
    L.popup({ maxWidth: 320 }).setLatLng(latlng).setContent(content).openOn(map);
  }

  var POPUPS = {
    heat: networkPopup,
    cold: networkPopup,
    future: function (p) {
      var title = p.part === "zone" ? "Zone de construction" : "Réseau en construction";
      return popup(p.name, p.synthetic, [
        ["Type", title],
        ["Gestionnaire", p.operator || "non communiqué"],
        ["Mise en service prévue", p.commissioning || "non communiquée"],
      ], link(config.futureNetworkUrl, p.id, "Voir la fiche du réseau en construction"));
    },
    pdp: function (p) {
      var networks = (p.networks || "").split(",").filter(Boolean);
      return popup(p.name || "Périmètre " + p.id, p.synthetic, [
        ["Type", "Périmètre de développement prioritaire"],
        ["Réseau", networks.join(", ") || "non communiqué"],
        ["Seuil de puissance", p.power_threshold_kw ? p.power_threshold_kw + " kW" : "non communiqué"],
      ], networks.length ? link(config.networkUrl, networks[0], "Voir la fiche du réseau") : null);
    },
    plants: function (p) {
      return popup(p.name || "Chaufferie " + p.id, false, [
        ["Énergie", p.fuel || "non communiquée"],
        ["Puissance", p.power_mw ? number(p.power_mw, 1) + " MW" : "non communiquée"],
        ["Gestionnaire", p.operator || "non communiqué"],
      ], p.network ? link(config.networkUrl, p.network, "Voir la fiche du réseau") : null);
    },
  };

  function networkPopup(p) {
    var rows = [
      ["Gestionnaire", p.operator || "non communiqué"],
      ["Taux EnR&R", p.enrr_rate != null ? number(p.enrr_rate, 1) + " %" : "non communiqué"],
      ["Contenu CO2", p.co2_kg_per_kwh != null ? number(p.co2_kg_per_kwh, 3) + " kg/kWh" : "non communiqué"],
      ["Réseau classé", p.classified ? "oui" : "non"],
    ];
    if (p.open === false) rows.push(["Raccordements", "fermé aux nouveaux raccordements"]);
    return popup(p.name, p.synthetic, rows, link(config.networkUrl, p.id, "Voir la fiche du réseau"));
  }

  function popup(title, synthetic, rows, action) {
    var container = document.createElement("div");
    container.className = "fcu-popup";
    var heading = document.createElement("p");
    heading.className = "fcu-popup__title";
    heading.textContent = title || "";
    if (synthetic) {
      var badge = document.createElement("span");
      badge.className = "fr-badge fr-badge--sm fr-badge--new fr-ml-1w";
      badge.textContent = "fictif";
      heading.appendChild(document.createTextNode(" "));
      heading.appendChild(badge);
    }
    container.appendChild(heading);
    var list = document.createElement("dl");
    rows.forEach(function (row) {
      var term = document.createElement("dt");
      term.textContent = row[0];
      var value = document.createElement("dd");
      value.textContent = row[1];
      list.appendChild(term);
      list.appendChild(value);
    });
    container.appendChild(list);
    if (action) container.appendChild(action);
    return container;
  }

  function link(template, id, text) {
    var anchor = document.createElement("a");
    anchor.href = template.replace("ID", encodeURIComponent(id));
    anchor.textContent = text;
    return anchor;
  }

  function number(value, decimals) {
    return Number(value).toLocaleString("fr-FR", { maximumFractionDigits: decimals });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  map.on("popupopen", function (event) {
    var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) close.setAttribute("aria-label", "Fermer");
  });

  /* --- Address search --------------------------------------------------------------------- */

  var form = document.getElementById("recherche-carte");
  var output = document.getElementById("verdict-carte");
  var marker = null;
  if (form && output) form.addEventListener("submit", search);

  function field(name) {
    return form.querySelector("[name=" + name + "]");
  }

  function search(event) {
    event.preventDefault();
    var text = field("adresse").value.trim();
    var picked = field("label").value && field("label").value === text && field("lat").value;
    var query = picked
      ? "lat=" + encodeURIComponent(field("lat").value) + "&lon=" + encodeURIComponent(field("lon").value)
      : "address=" + encodeURIComponent(text);
    if (!text) {
      showMessage("error", "Indiquez une adresse.");
      return;
    }
    showMessage("info", "Recherche en cours…");
    fetch(config.eligibilityUrl + "?" + query, { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (answer) {
        if (!answer.ok) {
          showMessage("error", answer.body.message || "La recherche a échoué.");
          return;
        }
        var address = answer.body.address || {
          label: text,
          lat: Number(field("lat").value),
          lon: Number(field("lon").value),
          citycode: field("citycode").value,
        };
        showAddress(address, answer.body);
      })
      .catch(function () {
        showMessage("error", "La recherche a échoué. Vérifiez votre connexion et réessayez.");
      });
  }

  function showAddress(address, verdict) {
    var position = toLatLng(address.lon, address.lat);
    map.setView(position, Math.max(map.getZoom(), 16));
    if (marker) marker.remove();
    marker = L.circleMarker(position, { radius: 9, color: "#000091", weight: 3, fillOpacity: 0.9 })
      .bindTooltip(address.label)
      .addTo(map);
    showVerdict(address, verdict);
  }

  function showVerdict(address, verdict) {
    var callout = document.createElement("div");
    callout.className =
      "fr-callout " + (verdict.eligible ? "fr-callout--green-emeraude" : "fr-callout--yellow-tournesol");
    var title = document.createElement("p");
    title.className = "fr-callout__title";
    title.textContent =
      address.label + " : " +
      (verdict.eligible ? "potentiellement raccordable" : "pas de réseau assez proche à ce jour");
    var text = document.createElement("p");
    text.className = "fr-callout__text";
    text.textContent = verdict.explanation;
    var details = document.createElement("a");
    details.className = "fr-btn fr-mt-2w";
    details.href =
      config.resultUrl + "?" +
      new URLSearchParams({
        adresse: address.label,
        chauffage: "collective",
        lat: address.lat,
        lon: address.lon,
        citycode: address.citycode || "",
        label: address.label,
      }).toString();
    details.textContent = "Voir le résultat détaillé et contacter le gestionnaire";
    callout.appendChild(title);
    callout.appendChild(text);
    callout.appendChild(details);
    output.replaceChildren(callout);
  }

  function showMessage(kind, message) {
    var paragraph = document.createElement("p");
    paragraph.className = kind === "error" ? "fr-error-text" : "fr-info-text";
    paragraph.textContent = message;
    output.replaceChildren(paragraph);
  }
})();
