/* Map of a bulk test's points: circle markers drawn on one canvas (thousands of points stay
 * fluid), green when eligible, red otherwise. The points come as [lat, lon, eligible] (Leaflet's
 * own order), at most 20,000 (an even sample chosen by the server). */
(function () {
  "use strict";
  var element = document.getElementById("bulk-map");
  if (!element || !window.L || !window.fetch) return;
  var map = L.map(element, { preferCanvas: true });
  L.tileLayer(element.dataset.tilesUrl, {
    attribution: element.dataset.tilesAttribution,
    maxZoom: 19,
  }).addTo(map);
  map.setView([46.6, 2.4], 5);
  fetch(element.dataset.pointsUrl, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (data) {
      var renderer = L.canvas({ padding: 0.5 });
      var bounds = L.latLngBounds([]);
      data.points.forEach(function (point) {
        var latLng = [point[0], point[1]];
        L.circleMarker(latLng, {
          renderer: renderer,
          radius: 5,
          color: "#ffffff",
          weight: 1,
          fillOpacity: 0.8,
          fillColor: point[2] ? "#18753c" : "#ce0500",
        }).addTo(map);
        bounds.extend(latLng);
      });
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
      element.dataset.mapReady = "true";
    })
    .catch(function () {
      element.dataset.mapReady = "error";
    });
})();
