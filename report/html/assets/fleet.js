// zoomqos fleet report: starts ECharts on every chart of the page from the
// options in #zq-data (built by go-echarts), with no network, through
// zoomqosDraw (draw.js): those on screen first, then the rest a few at a
// time, so that the page answers scrolling and clicks while they are drawn.
(function () {
  "use strict";
  window.zoomqosStartMs = performance.now(); // the page parsed, the runtime loaded
  var data = JSON.parse(document.getElementById("zq-data").textContent);
  function pct(v) { return v == null ? "–" : v.toFixed(2) + " %"; }
  function mos(v) { return v == null ? "–" : v.toFixed(2); }

  window.zoomqosDraw(data.charts, function (c, chart) {
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
    // On a phone the plot takes the width the axes' names leave it.
    chart.setOption({
      baseOption: o,
      media: [{ query: { maxWidth: 560 }, option: { grid: [{ left: 40, right: c.kind === "trend" ? 40 : 12 }] } }]
    });
  });
})();
