/* Small maps of the result and network pages. Each element with data-map-data names a JSON
 * script: {address: {lat, lon, label} | null, route: GeoJSON string | null, line: GeoJSON string
 * | null, zone: GeoJSON string | null}. GeoJSON is lon/lat; Leaflet's own coordinates are
 * lat/lon: toLatLng() below is the one place that converts. */
(function () {
  "use strict";
  if (!window.L) return;

  function toLatLng(point) {
    return [point.lat, point.lon];
  }

  function parse(geojson) {
    return typeof geojson === "string" ? JSON.parse(geojson) : geojson;
  }

  document.querySelectorAll("[data-map-data]").forEach(function (element) {
    var source = document.getElementById(element.dataset.mapData);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(element.dataset.tilesUrl, {
      attribution: element.dataset.tilesAttribution,
      maxZoom: 19,
    }).addTo(map);
    var layers = [];
    if (data.zone) {
      layers.push(L.geoJSON(parse(data.zone), { style: { color: "#000091", weight: 1, fillOpacity: 0.15 } }));
    }
    if (data.route) {
      layers.push(L.geoJSON(parse(data.route), { style: { color: "#e1000f", weight: 3 } }));
    }
    if (data.line) {
      layers.push(L.geoJSON(parse(data.line), { style: { color: "#161616", weight: 2, dashArray: "6 6" } }));
    }
    if (data.address) {
      layers.push(
        L.circleMarker(toLatLng(data.address), { radius: 8, color: "#000091", fillOpacity: 0.9 })
          .bindTooltip(data.address.label || "Votre adresse")
      );
    }
    var group = L.featureGroup(layers).addTo(map);
    if (data.address && data.line) {
      map.fitBounds(L.featureGroup(layers.slice(-2)).getBounds(), { padding: [40, 40], maxZoom: 17 });
    } else if (layers.length) {
      map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 16 });
    } else {
      map.setView([46.6, 2.4], 5);
    }
    element.dataset.mapReady = "true";
  });
})();
