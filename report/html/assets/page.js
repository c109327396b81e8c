// zoomqos report: starts ECharts on every chart of the page from the
// options in #zq-data (built by go-echarts), with no network. Charts are
// drawn one per task, those on screen first, so that the page answers
// scrolling and clicks while the rest are drawn.
(function () {
  "use strict";
  window.zoomqosStartMs = performance.now(); // the page parsed, the runtime loaded
  var data = JSON.parse(document.getElementById("zq-data").textContent);
  var zone = data.zone, MINUTE = 60000;
  var start = data.start + zone.shift; // as drawn: see wall
  var esc = echarts.format.encodeHTML;

  // The report's zone need not be the browser's. ECharts draws in UTC,
  // every time moved on by the zone's offset at the meeting's start
  // (zone.shift), so that its ticks fall on the zone's round times; wall
  // takes a drawn time back, and into the offset of its span (a meeting
  // can cross a change to or from summer time): a Date whose UTC fields
  // are the zone's wall clock, and the zone's abbreviation.
  function wall(v) {
    var t = v - zone.shift, span = zone.spans[0];
    zone.spans.forEach(function (s) { if (t >= s.from) { span = s; } });
    return { date: new Date(t + span.offset), abbr: span.abbr };
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function hhmm(v) {
    var d = wall(v).date;
    return two(d.getUTCHours()) + ":" + two(d.getUTCMinutes());
  }
  // An axis label: the time of day, the day at midnight.
  function axisLabel(v) {
    var d = wall(v).date;
    if (d.getUTCHours() === 0 && d.getUTCMinutes() === 0) { return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()]; }
    return hhmm(v);
  }
  // A tooltip's time, with the zone's abbreviation: 01:59 EST, 03:00 EDT.
  function pointed(p) { return hhmm(p.value) + " " + wall(p.value).abbr; }

  // Data carry minutes from the meeting's start, which keeps the file
  // small; the axis wants times.
  function toTime(o) {
    (o.series || []).forEach(function (s) {
      (s.data || []).forEach(function (p) { p[0] = start + p[0] * MINUTE; });
      if (s.markArea && s.markArea.data) {
        s.markArea.data.forEach(function (a) { a[0].xAxis = start + a[0].xAxis * MINUTE; a[1].xAxis = start + a[1].xAxis * MINUTE; });
      }
      // What go-echarts' series options lack: downsample what is drawn
      // to the pixels there are (LTTB keeps the peaks), no symbols.
      if (s.type === "line") { s.sampling = "lttb"; s.symbol = "none"; s.emphasis = { focus: "series" }; }
    });
    o.useUTC = true;
    o.xAxis.forEach(function (a) {
      a.axisLabel = { hideOverlap: true, formatter: axisLabel };
      // The axis tooltip's heading is the axis pointer's label.
      a.axisPointer = { label: { formatter: pointed } };
    });
    (o.dataZoom || []).forEach(function (z) { z.labelFormatter = hhmm; });
  }

  function heatmapOption(o, group) {
    var xs = o.xAxis[0].data, ys = o.yAxis[0].data;
    // A column's time, with the zone's abbreviation.
    function column(c) { return xs[c] + " " + wall(start + c * group * MINUTE).abbr; }
    var names = { 1: "good", 2: "fair (MOS below 4.0)", 3: "degraded" };
    // ECharts writes tooltips as HTML: every name is escaped, and
    // isolated from the text after it.
    o.tooltip.formatter = function (p) {
      var v = p.value;
      return "<bdi>" + esc(ys[v[1]]) + "</bdi><br>" + esc(column(v[0])) + ": " + esc(names[v[2]] || "");
    };
    o.legend = { show: false };
    // Progressive rendering draws a zoomed heatmap only in part.
    o.series.forEach(function (s) { s.progressive = 0; });
    // On a phone the legend goes under the title, and the names get less
    // room: ECharts applies this whenever the chart is that narrow.
    return {
      baseOption: o,
      media: [{
        query: { maxWidth: 560 },
        option: {
          visualMap: [{ left: 0, right: null, top: 22 }],
          grid: [{ top: 60, left: 100 }],
          yAxis: [{ axisLabel: { width: 90 } }]
        }
      }]
    };
  }

  var charts = [], pending = data.charts.length;
  function ready() {
    window.zoomqosReadyMs = performance.now(); // since navigation began
    window.zoomqosReady = true;
    document.documentElement.setAttribute("data-ready", "1");
  }

  function draw(c) {
    var o = c.option;
    o.tooltip = o.tooltip || {};
    o.tooltip.confine = true;
    if (c.kind === "time") { toTime(o); } else { o = heatmapOption(o, c.group); }
    var chart = echarts.init(document.getElementById(c.id), null, { renderer: "canvas" });
    var done = false;
    chart.on("finished", function () {
      if (!done) { done = true; if (--pending === 0) { ready(); } }
    });
    chart.setOption(o);
    charts.push(chart);
  }

  // On screen first, then down the page.
  var queue = data.charts.slice();
  var h = window.innerHeight;
  function onScreen(c) {
    var r = document.getElementById(c.id).getBoundingClientRect();
    return r.bottom > 0 && r.top < h;
  }
  queue.sort(function (a, b) { return (onScreen(b) ? 1 : 0) - (onScreen(a) ? 1 : 0); });
  var firstScreen = queue.filter(onScreen).length;
  if (firstScreen === 0) { window.zoomqosFirstScreenMs = performance.now(); }
  // Charts for about 50 ms at a time, then the page gets a turn: input
  // waits no longer than that.
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
  if (pending === 0) { ready(); } else { next(); }

  function resize() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", function () {
    drawAll();
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
    resize();
  });
  window.addEventListener("afterprint", resize);
})();
