// zoomqos report: starts ECharts on every chart of the page from the
// options in #zq-data (built by go-echarts), with no network, through
// zoomqosDraw (draw.js): those on screen first, so that the page answers
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
    var incidents = [], alerts = [];
    (o.series || []).forEach(function (s) {
      (s.data || []).forEach(function (p) { p[0] = start + p[0] * MINUTE; });
      if (s.markArea && s.markArea.data) {
        s.markArea.data.forEach(function (a) { a[0].xAxis = start + a[0].xAxis * MINUTE; a[1].xAxis = start + a[1].xAxis * MINUTE; });
      }
      // What go-echarts' series options lack: downsample what is drawn
      // to the pixels there are (LTTB keeps the peaks), no symbols.
      if (s.type === "line") { s.sampling = "lttb"; s.symbol = "none"; s.emphasis = { focus: "series" }; }
      if (s.id === "incidents") {
        // Their band stays as it is while a line is in focus, and says
        // what it is: in its own tooltip, and in the axis's.
        s.markArea.blur = { itemStyle: { opacity: 1 } };
        s.markArea.tooltip = { formatter: function (p) { return esc(p.name); } };
        incidents = s.markArea.data;
      } else if (s.id === "alerts") {
        // Zoom's alerts: thin lines at their times, which stay as they
        // are while a line is in focus, each named in its own tooltip and
        // in the axis's at that minute.
        s.markLine.data.forEach(function (d) { d.xAxis = start + d.xAxis * MINUTE; });
        s.markLine.blur = { lineStyle: { opacity: 1 } };
        s.markLine.tooltip = { formatter: function (p) { return esc(p.name); } };
        s.emphasis = { disabled: true };
        alerts = s.markLine.data;
      } else if (isSession(s)) {
        // A session's windows, shaded on demand (see shadeWindows): in
        // its line's colour, letting the mouse through to the lines.
        s.triggerLineEvent = true;
        s.markArea = { silent: true, itemStyle: { opacity: 0.45 }, label: { show: false }, data: [] };
      }
    });
    // The incidents' legend entry is a band, as they are drawn.
    o.legend.data = o.series.map(function (s) { return s.id === "incidents" ? { name: s.name, icon: "rect" } : s.name; });
    if ((incidents.length || alerts.length) && o.tooltip.trigger === "axis") { o.tooltip.formatter = axisTip(incidents, alerts); }
    o.useUTC = true;
    o.xAxis.forEach(function (a) {
      a.axisLabel = { hideOverlap: true, formatter: axisLabel };
      // The axis tooltip's heading is the axis pointer's label.
      a.axisPointer = { label: { formatter: pointed } };
    });
    (o.dataZoom || []).forEach(function (z) { z.labelFormatter = hhmm; });
  }

  // axisTip is a line chart's tooltip: the time, the incident it falls
  // in, if any, Zoom's alerts within half a minute of it, and each line's
  // value there, as ECharts lays it out (every name escaped and isolated).
  function axisTip(incidents, alerts) {
    return function (ps) {
      if (!ps.length) { return ""; }
      var t = ps[0].axisValue, out = "<div>" + esc(ps[0].axisValueLabel) + "</div>";
      incidents.forEach(function (a) {
        if (t >= a[0].xAxis && t < a[1].xAxis) { out += '<div class="zq-incident">' + esc(a[0].name) + "</div>"; }
      });
      alerts.forEach(function (a) {
        if (Math.abs(t - a.xAxis) <= MINUTE / 2) { out += '<div class="zq-alert">' + esc(a.name) + "</div>"; }
      });
      ps.forEach(function (p) {
        var v = p.value && p.value[1];
        out += '<div class="zq-row">' + p.marker + "<bdi>" + esc(p.seriesName) + "</bdi><b>" + (v == null ? "-" : esc(String(v))) + "</b></div>";
      });
      return out;
    };
  }

  function isSession(s) { return /^s[0-9]+$/.test(s.id); }

  // shadeWindows shades a session's own degradation windows on its line
  // while the line is hovered (on the chart or in the legend) or is the
  // only session line the legend shows. Double-clicking a session in the
  // legend shows it alone; double-clicking it again shows every session.
  function shadeWindows(chart, c) {
    var areas = {}, ids = [], idOf = {}, nameOf = {}, idAt = [];
    (c.sessions || []).forEach(function (s) {
      areas[s.series] = s.windows.map(function (w) {
        return [{ xAxis: start + w[0] * MINUTE }, { xAxis: start + w[1] * MINUTE }];
      });
    });
    c.option.series.forEach(function (s, i) {
      if (isSession(s)) { ids.push(s.id); idOf[s.name] = s.id; nameOf[s.id] = s.name; idAt[i] = s.id; }
    });
    if (!ids.length) { return; }
    var hovered = null, alone = null, shown = {}, lastToggle = null, clicked = false, clicks = 0;
    var dom = chart.getDom(), pressed = false, pending = false;
    // Which click of a run this is (2: the second of a double click, as
    // the system counts them), seen before ECharts acts on it.
    dom.addEventListener("click", function (e) { clicks = e.detail; }, true);
    // Drawing anew replaces the legend's entries, and a click whose
    // press and release land on different ones is no click: the windows
    // are drawn after ECharts has done with the event that changed them,
    // never while a button is down.
    dom.addEventListener("mousedown", function () { pressed = true; }, true);
    window.addEventListener("mouseup", function () {
      if (pressed) { pressed = false; update(); }
    }, true);
    function update() {
      if (!pending) { pending = true; setTimeout(draw, 0); }
    }
    function draw() {
      pending = false;
      if (pressed) { return; } // drawn on release
      var series = [];
      Object.keys(areas).forEach(function (id) {
        var want = id === hovered || id === alone;
        if (want !== !!shown[id]) {
          shown[id] = want;
          series.push({ id: id, markArea: { data: want ? areas[id] : [] } });
        }
      });
      if (series.length) { chart.setOption({ series: series }); }
    }
    function hover(id) { hovered = id; update(); }
    // On the chart: the line itself.
    chart.on("mouseover", function (p) { if (p.componentType === "series" && idAt[p.seriesIndex]) { hover(idAt[p.seriesIndex]); } });
    chart.on("mouseout", function (p) { if (p.componentType === "series" && idAt[p.seriesIndex] === hovered) { hover(null); } });
    // In the legend: hovering a name highlights its series by name (the
    // axis pointer highlights in batches, which are left alone).
    chart.on("highlight", function (p) { if (!p.batch && !clicked && idOf[p.seriesName]) { hover(idOf[p.seriesName]); } });
    chart.on("downplay", function (p) { if (!p.batch && idOf[p.seriesName] === hovered) { hover(null); } });
    function selected(p) {
      var sel = p.selected;
      var on = ids.filter(function (id) { return sel[nameOf[id]] !== false; });
      var id = idOf[p.name], second = clicks === 2;
      clicks = 0;
      if (p.type === "legendselectchanged" && id) {
        if (second && lastToggle === id) {
          // A double click: it toggled twice, and means "this one alone"
          // (or, when it was alone already, "all of them").
          lastToggle = null;
          var all = on.length === 1 && on[0] === id;
          ids.forEach(function (other) { sel[nameOf[other]] = all || other === id; });
          chart.setOption({ legend: [{ selected: sel }] });
          on = all ? ids : [id];
        } else {
          lastToggle = id;
        }
      }
      // The legend is drawn anew: the entry the mouse is on is no more,
      // and will not say when the mouse leaves it. Its hover ends here,
      // with the highlight the click sends after it.
      hovered = null;
      clicked = true;
      setTimeout(function () { clicked = false; }, 0);
      alone = on.length === 1 ? on[0] : null;
      update();
    }
    ["legendselectchanged", "legendselected", "legendunselected", "legendselectall", "legendinverseselect"].forEach(function (e) {
      chart.on(e, selected);
    });
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

  window.zoomqosDraw(data.charts, function (c, chart) {
    var o = c.option;
    o.tooltip = o.tooltip || {};
    o.tooltip.confine = true;
    if (c.kind === "time") { toTime(o); } else { o = heatmapOption(o, c.group); }
    chart.setOption(o);
    if (c.kind === "time") { shadeWindows(chart, c); }
  });
})();
