// zoomqos fleet report: starts ECharts on every chart of the page from the
// options in #zq-data (built by go-echarts), with no network; those on
// screen first, then the rest a few at a time, so that the page answers
// scrolling and clicks while they are drawn.
(function () {
  "use strict";
  window.zoomqosStartMs = performance.now(); // the page parsed, the runtime loaded
  var data = JSON.parse(document.getElementById("zq-data").textContent);
  var charts = [], pending = data.charts.length;

  function ready() {
    window.zoomqosReadyMs = performance.now(); // since navigation began
    window.zoomqosReady = true;
    document.documentElement.setAttribute("data-ready", "1");
  }
  if (pending === 0) { // an empty period: no charts, no runtime
    window.zoomqosFirstScreenMs = performance.now();
    ready();
    return;
  }

  function pct(v) { return v == null ? "–" : v.toFixed(2) + " %"; }
  function mos(v) { return v == null ? "–" : v.toFixed(2); }

  function draw(c) {
    var o = c.option;
    o.tooltip = o.tooltip || {};
    o.tooltip.confine = true;
    // What go-echarts' series options lack: each value in its unit in the
    // tooltip (ECharts escapes the series' names there), a series in focus
    // on hover.
    (o.series || []).forEach(function (s) {
      s.tooltip = { valueFormatter: s.yAxisIndex === 1 ? mos : pct };
      if (s.type === "line") { s.emphasis = { focus: "series" }; }
    });
    o.xAxis.forEach(function (a) { a.axisLabel = { hideOverlap: true }; });
    var chart = echarts.init(document.getElementById(c.id), null, { renderer: "canvas" });
    var done = false;
    chart.on("finished", function () {
      if (!done) { done = true; if (--pending === 0) { ready(); } }
    });
    // On a phone the plot takes the width the axes' names leave it.
    chart.setOption({
      baseOption: o,
      media: [{ query: { maxWidth: 560 }, option: { grid: [{ left: 40, right: c.kind === "trend" ? 40 : 12 }] } }]
    });
    charts.push(chart);
  }

  var queue = data.charts.slice();
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
      draw(c);
      if (--firstScreen === 0) { window.zoomqosFirstScreenMs = performance.now(); }
    } while (queue.length && performance.now() - t < 50);
    if (queue.length) { setTimeout(next, 0); }
  }
  function drawAll() { while (queue.length) { draw(queue.shift()); } }
  next();

  // Printing: every chart drawn and sized to the screen's layout first;
  // the printed page then scales each picture to its column (page.css).
  // A resize while printing would measure the printed layout, where a
  // chart's box takes its height from the picture: left alone.
  var printing = false;
  function resize() { if (!printing) { charts.forEach(function (c) { c.resize(); }); } }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", function () { drawAll(); resize(); printing = true; });
  window.addEventListener("afterprint", function () { printing = false; resize(); });
})();
