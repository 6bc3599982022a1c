/* hicmonitor — progressive enhancement only: every page works without this script.
   - charts: a switch between "aantal" and "per 1.000 inwoners", and the value of a point
     under the pointer in a live region;
   - map: the municipality under the pointer or with keyboard focus, in the legend.
   Filter forms are not submitted on change (WCAG 3.2.2): the user presses the button. */
(function () {
  "use strict";

  function chartValues(figure, out) {
    var svg = figure.querySelector("svg");
    if (!svg) { return; }
    svg.addEventListener("mouseover", function (ev) {
      var p = ev.target.closest ? ev.target.closest("circle.punt") : null;
      if (!p) { return; }
      svg.querySelectorAll("circle.actief").forEach(function (c) { c.classList.remove("actief"); });
      p.classList.add("actief");
      out.textContent = p.getAttribute("data-jaar") + ": " + p.getAttribute("data-waarde") +
        (p.getAttribute("data-voorlopig") ? " (voorlopig)" : "");
    });
  }

  document.querySelectorAll("figure svg.grafiek").forEach(function (svg) {
    var figure = svg.closest("figure");
    var out = document.createElement("p");
    out.className = "waarde";
    out.setAttribute("aria-live", "polite");
    figure.appendChild(out);
    chartValues(figure, out);
  });

  document.querySelectorAll("[data-wissel]").forEach(function (block, i) {
    var figs = [block.querySelector(".grafiek-aantal"), block.querySelector(".grafiek-per1000")];
    if (!figs[0] || !figs[1]) { return; }
    var bar = document.createElement("div");
    bar.className = "knoppen";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Toon de grafiek als");
    var labels = ["Aantal", "Per 1.000 inwoners"];
    var buttons = labels.map(function (label, k) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.addEventListener("click", function () { show(k); });
      bar.appendChild(b);
      return b;
    });
    function show(k) {
      figs.forEach(function (f, j) { f.hidden = j !== k; });
      buttons.forEach(function (b, j) { b.setAttribute("aria-pressed", j === k ? "true" : "false"); });
    }
    block.insertBefore(bar, figs[0]);
    show(0);
  });

  var map = document.getElementById("kaart-svg");
  var info = document.getElementById("kaart-info");
  if (map && info) {
    var say = function (ev) {
      var a = ev.target.closest ? ev.target.closest("a") : null;
      if (a) { info.textContent = a.getAttribute("aria-label"); }
    };
    map.addEventListener("mouseover", say);
    map.addEventListener("focusin", say);
  }
})();
