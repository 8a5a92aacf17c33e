/* Draws the page's map from <script id="map-data" type="application/json">:
   {"markers": [{kind, label, name, lat, lng, url}], "lines": [{name, label, url, points: [[lat, lng], ...]}]}.
   Coordinates are WGS-84. Without Leaflet or the data, nothing happens: the places stay listed as text. */
(function () {
  "use strict";

  var element = document.getElementById("map");
  var source = document.getElementById("map-data");
  if (!element || !source || !window.L) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var markers = data.markers || [];
  var lines = (data.lines || []).filter(function (line) {
    return line.points && line.points.length > 1;
  });
  if (!markers.length && !lines.length) {
    return;
  }

  var colours = {
    village: "#7a1f1f",
    attraction: "#c98a2b",
    homestay: "#2f6330",
    stop: "#a13f27"
  };

  function popup(item) {
    var box = document.createElement("div");
    var title = document.createElement(item.url ? "a" : "strong");
    title.textContent = item.name;
    if (item.url) {
      title.href = item.url;
    }
    var label = document.createElement("div");
    label.textContent = item.label;
    box.appendChild(title);
    box.appendChild(label);
    return box;
  }

  element.classList.add("map--ready");
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.getAttribute("data-tile-url"), {
    attribution: element.getAttribute("data-attribution"),
    maxZoom: 18
  }).addTo(map);

  var bounds = [];
  lines.forEach(function (line) {
    L.polyline(line.points, { color: "#a13f27", weight: 4, opacity: 0.85 })
      .bindPopup(popup(line))
      .addTo(map);
    bounds = bounds.concat(line.points);
  });
  markers.forEach(function (marker) {
    var colour = colours[marker.kind] || colours.attraction;
    L.circleMarker([marker.lat, marker.lng], {
      radius: marker.kind === "village" ? 10 : 8,
      color: "#fff",
      weight: 2,
      fillColor: colour,
      fillOpacity: 0.95
    })
      .bindTooltip(marker.name)
      .bindPopup(popup(marker))
      .addTo(map);
    bounds.push([marker.lat, marker.lng]);
  });

  if (bounds.length === 1) {
    map.setView(bounds[0], 15);
  } else {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
  }
})();
