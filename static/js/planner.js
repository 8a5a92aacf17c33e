/* Trip planner page: the plan's map (a line per day, colours as in planner.css), a map to pick the start
   point, and the print button. Everything works without it: the plan is text, the point can be typed. */
(function () {
  "use strict";

  var dayColours = ["#a13f27", "#2f6330", "#1f5fbf", "#8a4baf", "#c98a2b", "#0f7c7c", "#7a1f1f"];

  function readData(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function baseMap(element) {
    element.classList.add("map--ready");
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(element.getAttribute("data-tile-url"), {
      attribution: element.getAttribute("data-attribution"),
      maxZoom: 18
    }).addTo(map);
    return map;
  }

  function link(item) {
    var anchor = document.createElement(item.url ? "a" : "strong");
    anchor.textContent = item.name;
    if (item.url) {
      anchor.href = item.url;
    }
    return anchor;
  }

  function dot(point, colour, radius) {
    return L.circleMarker([point.lat, point.lng], {
      radius: radius,
      color: "#fff",
      weight: 2,
      fillColor: colour,
      fillOpacity: 0.95
    });
  }

  function drawPlan() {
    var element = document.getElementById("plan-map");
    var data = readData("plan-map-data");
    if (!element || !data) {
      return;
    }
    var map = baseMap(element);
    var bounds = [[data.start.lat, data.start.lng]];
    dot(data.start, "#2e2218", 9).bindTooltip(data.start.name).addTo(map);
    data.days.forEach(function (day, index) {
      var colour = dayColours[index % dayColours.length];
      if (day.points.length > 1) {
        L.polyline(day.points, { color: colour, weight: 4, opacity: 0.85 }).bindTooltip(day.label).addTo(map);
        bounds = bounds.concat(day.points);
      }
      day.stops.forEach(function (stop) {
        dot(stop, colour, 8)
          .bindTooltip(day.label + " · " + stop.order + " · " + stop.name)
          .bindPopup(link(stop))
          .addTo(map);
      });
    });
    data.nights.forEach(function (night) {
      dot(night, "#2f6330", 6).bindPopup(link(night)).addTo(map);
      bounds.push([night.lat, night.lng]);
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  }

  function drawPicker() {
    var element = document.getElementById("pick-map");
    var data = readData("pick-map-data");
    var start = document.getElementById("id_start");
    var latitude = document.getElementById("id_lat");
    var longitude = document.getElementById("id_lng");
    if (!element || !data || !start || !latitude || !longitude) {
      return;
    }
    var map = baseMap(element);
    var bounds = [];
    data.presets.forEach(function (preset) {
      dot(preset, "#2e2218", 7)
        .bindTooltip(preset.name)
        .on("click", function () {
          start.value = preset.code;
        })
        .addTo(map);
      bounds.push([preset.lat, preset.lng]);
    });
    data.villages.forEach(function (village) {
      dot(village, "#7a1f1f", 5).bindTooltip(village.name).addTo(map);
      bounds.push([village.lat, village.lng]);
    });
    // With the map working, nobody types coordinates: the fields hide and a tap on the map sets them.
    document.querySelectorAll("[data-coordinates]").forEach(function (part) {
      part.hidden = true;
    });
    var help = document.querySelector("[data-map-help]");
    if (help) {
      help.hidden = false;
    }
    var status = document.querySelector("[data-point-status]");
    var chosen = null;
    function choose(lat, lng) {
      if (chosen) {
        chosen.setLatLng([lat, lng]);
      } else {
        chosen = L.marker([lat, lng]).addTo(map);
      }
      if (status) {
        status.textContent = status.getAttribute("data-template")
          .replace("{lat}", lat.toFixed(4))
          .replace("{lng}", lng.toFixed(4));
        status.hidden = false;
      }
    }
    if (start.value === "point" && latitude.value && longitude.value) {
      choose(Number(latitude.value), Number(longitude.value));
      bounds.push([Number(latitude.value), Number(longitude.value)]);
    }
    start.addEventListener("change", function () {
      if (status && start.value !== "point") {
        status.hidden = true;
      }
    });
    map.on("click", function (event) {
      start.value = "point";
      latitude.value = event.latlng.lat.toFixed(6);
      longitude.value = event.latlng.lng.toFixed(6);
      choose(event.latlng.lat, event.latlng.lng);
    });
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: 13 });
    }
  }

  function enablePrint() {
    var button = document.querySelector("[data-print]");
    if (!button || !window.print) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  }

  // The attraction picker's search box: typing keeps the villages and places whose name (or kind)
  // contains the text, and every ticked place, with their groups opened; clearing it folds the groups
  // back as they were (a group with a ticked place stays open). Without this script the box stays
  // hidden and each village's group opens with a tap on its name.
  function enablePickSearch() {
    var box = document.querySelector("[data-pick-search]");
    var input = document.getElementById("pick-search");
    var status = document.getElementById("pick-search-status");
    if (!box || !input || !status) {
      return;
    }
    var groups = Array.prototype.slice.call(document.querySelectorAll(".pick-village"));
    var openBefore = null;
    function normal(text) {
      return text.toLocaleLowerCase().replace(/\s+/g, "");
    }
    function filter() {
      var wanted = normal(input.value);
      var shown = 0;
      if (wanted && openBefore === null) {
        openBefore = groups.map(function (group) {
          return group.open;
        });
      }
      groups.forEach(function (group, index) {
        var legend = group.querySelector("legend");
        var villageMatches = !wanted || normal(legend ? legend.textContent : "").indexOf(wanted) >= 0;
        var any = false;
        Array.prototype.forEach.call(group.querySelectorAll(".pick"), function (pick) {
          var ticked = pick.querySelector("input:checked") !== null;
          var matches = villageMatches || normal(pick.textContent).indexOf(wanted) >= 0;
          pick.hidden = !(matches || ticked);
          any = any || matches || ticked;
          if (matches) {
            shown += 1;
          }
        });
        group.hidden = !any;
        if (wanted) {
          group.open = any;
        } else if (openBefore !== null) {
          group.open = openBefore[index] || group.querySelector("input:checked") !== null;
        }
      });
      if (!wanted) {
        openBefore = null;
      }
      status.textContent = wanted && !shown ? status.getAttribute("data-none") : "";
    }
    box.hidden = false;
    input.addEventListener("input", filter);
  }

  enablePrint();
  enablePickSearch();
  if (window.L) {
    drawPlan();
    drawPicker();
  }
})();
