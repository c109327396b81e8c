// zoomqos: how the meeting report and the fleet report draw their charts,
// with no network. zoomqosDraw(specs, draw) starts ECharts on the element
// of each spec ({id, ...}) and has draw(spec, chart) set its option: those
// on screen first, then down the page, about 50 ms of charts at a time so
// that input waits no longer than that. It marks when the first screen is
// drawn and when every chart is (window.zoomqosFirstScreenMs,
// zoomqosReadyMs, zoomqosReady and <html data-ready>, which the tests and
// benchmarks read), keeps the charts sized to the window, and draws them
// all before printing.
window.zoomqosDraw = function (specs, draw) {
  "use strict";
  var charts = [], pending = specs.length;
  function ready() {
    window.zoomqosReadyMs = performance.now(); // since navigation began
    window.zoomqosReady = true;
    document.documentElement.setAttribute("data-ready", "1");
  }
  if (pending === 0) {
    window.zoomqosFirstScreenMs = performance.now();
    ready();
    return;
  }
  function one(c) {
    var chart = echarts.init(document.getElementById(c.id), null, { renderer: "canvas" });
    var done = false;
    chart.on("finished", function () {
      if (!done) { done = true; if (--pending === 0) { ready(); } }
    });
    draw(c, chart);
    charts.push(chart);
  }

  var queue = specs.slice();
  var h = window.innerHeight;
  function onScreen(c) {
    var r = document.getElementById(c.id).getBoundingClientRect();
    return r.bottom > 0 && r.top < h;
  }
  queue.sort(function (a, b) { return (onScreen(b) ? 1 : 0) - (onScreen(a) ? 1 : 0); });
  var firstScreen = queue.filter(onScreen).length;
  if (firstScreen === 0) { window.zoomqosFirstScreenMs = performance.now(); }
  function next() {
    var t = performance.now();
    do {
      var c = queue.shift();
      if (!c) { return; }
      one(c);
      if (--firstScreen === 0) { window.zoomqosFirstScreenMs = performance.now(); }
    } while (queue.length && performance.now() - t < 50);
    if (queue.length) { setTimeout(next, 0); }
  }
  function drawAll() { while (queue.length) { one(queue.shift()); } }
  next();

  // Printing: every chart drawn and sized to the screen's layout first;
  // the printed page then scales each picture to its box (the pages' CSS).
  // A resize while printing would measure the printed layout, where a
  // chart's box takes its height from the picture: some came out 0 px
  // tall on paper.
  var printing = false;
  function resize() { if (!printing) { charts.forEach(function (c) { c.resize(); }); } }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", function () {
    drawAll();
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
    resize();
    printing = true;
  });
  window.addEventListener("afterprint", function () { printing = false; resize(); });
};
