/* The portal's resource map and "near me". The list and its filters work without this file,
   without Leaflet and without map tiles; this only adds the map above the list and lets a
   phone's location sort the list. Popups are built from text nodes, never from HTML. */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (error) { return null; }
  }

  // Leaflet writes a string tooltip as HTML; an element keeps a place's name plain text.
  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function popup(marker) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = marker.url;
    link.textContent = marker.name;
    box.appendChild(link);
    if (marker.category) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(marker.category));
    }
    return box;
  }

  function drawMap() {
    var element = document.getElementById("resource-map");
    if (!element || typeof window.L === "undefined") { return; }
    var markers = readJson("resource-map-data");
    var single = readJson("resource-map-marker");
    if (single) { markers = [single]; }
    if (!markers || !markers.length) { return; }
    var map = window.L.map(element, { scrollWheelZoom: false });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      window.L.tileLayer(tiles, {
        maxZoom: 19,
        attribution: element.getAttribute("data-attribution") || ""
      }).addTo(map);
    }
    var points = [];
    markers.forEach(function (marker) {
      var point = [marker.lat, marker.lng];
      points.push(point);
      window.L.circleMarker(point, { radius: 8, weight: 2, fillOpacity: 0.8 })
        .bindPopup(popup(marker))
        .bindTooltip(textNode(marker.name))
        .addTo(map);
    });
    if (points.length === 1) {
      map.setView(points[0], 16);
    } else {
      map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
    }
    element.classList.add("resource-map--ready");
  }

  function wireNearMe() {
    var button = document.getElementById("near-me");
    var form = document.getElementById("resource-filter");
    if (!button || !form || !navigator.geolocation) { return; }
    var error = document.getElementById("near-me-error");
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("input[name='lat']").value = position.coords.latitude.toFixed(5);
        form.querySelector("input[name='lng']").value = position.coords.longitude.toFixed(5);
        form.submit();
      }, function () {
        button.disabled = false;
        if (error) {
          error.textContent = button.getAttribute("data-error");
          error.hidden = false;
        }
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
    });
  }

  function start() {
    drawMap();
    wireNearMe();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
