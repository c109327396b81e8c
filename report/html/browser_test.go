package html

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/zoomqos/zoomqos/internal/browsertest"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// Browser tests open reports in a real headless Chromium
// (internal/browsertest): they skip where there is none, unless
// ZOOMQOS_BROWSER_TESTS=require.

// open loads a report file offline and waits until every chart has
// drawn; it returns the page's own count of milliseconds from navigation
// to that moment.
func open(tb testing.TB, ctx context.Context, path string, log *browsertest.Log) float64 {
	tb.Helper()
	log.Listen(tb, ctx)
	calls := []func() error{
		func() error { _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); return err },
		func() error {
			_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
				MatchedNetworkConditions: []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}})
			return err
		},
		func() error { _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(ctx, cdppage.Enable, cdppage.EnableParams{}); return err },
	}
	for _, call := range calls {
		if err := call(); err != nil {
			tb.Fatalf("setting the tab up: %v", err)
		}
	}
	err := chromedp.Do(ctx, chromedp.Navigate("file://"+path))
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`window.zoomqosReady === true`, chromedp.WithPollingTimeout(60*time.Second)))
	}
	if err != nil {
		tb.Fatalf("the report did not become ready: %v; errors: %v", err, log.Errors())
	}
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.zoomqosReadyMs`))
	if err != nil {
		tb.Fatal(err)
	}
	return ms
}

func writeReport(tb testing.TB, doc *report.Meeting, o Options) string {
	return writePage(tb, "report.html", func(w io.Writer) error { return WriteMeeting(w, doc, o) })
}

// checkQuiet fails the test when the page asked for anything but its own
// file (and data: URLs), logged an error or opened a dialog.
func checkQuiet(t *testing.T, log *browsertest.Log) {
	t.Helper()
	for _, u := range log.Requests() {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s", u)
		}
	}
	if len(log.Requests()) == 0 {
		t.Error("no requests recorded: is the listener working?")
	}
	if errs := log.Errors(); len(errs) > 0 {
		t.Errorf("errors in the page: %v", errs)
	}
	if ds := log.Dialogs(); len(ds) > 0 {
		t.Errorf("the page opened dialogs: %v", ds)
	}
}

// printedCharts lays the page out for paper as printing does (the
// beforeprint event, print media, a resize) and back, and gives the
// number of charts and those whose pictures came out under 100 px tall.
func printedCharts(t *testing.T, ctx context.Context) (charts int, short string) {
	t.Helper()
	browsertest.Eval[bool](t, ctx, `window.dispatchEvent(new Event('beforeprint')), true`)
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	charts = browsertest.Eval[int](t, ctx, `window.dispatchEvent(new Event('resize')), document.querySelectorAll('.chart canvas').length`)
	short = browsertest.Eval[string](t, ctx, `Array.from(document.querySelectorAll('.chart canvas')).filter(c => c.getBoundingClientRect().height < 100)
		.map(c => c.parentElement.parentElement.id + ' ' + Math.round(c.getBoundingClientRect().height)).join(', ')`)
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}
	browsertest.Eval[bool](t, ctx, `window.dispatchEvent(new Event('afterprint')), true`)
	return charts, short
}

// writePage writes a page into a file of its own for the browser, private
// as the command writes it.
func writePage(tb testing.TB, name string, write func(io.Writer) error) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	if err := write(f); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestReportInBrowser(t *testing.T) {
	ctx := browsertest.Start(t)
	// 60 sessions: more than the heatmap shows at once, so it is zoomed;
	// with Zoom's alerts marked on the charts and its summaries.
	m, sessions := reporttest.AlertedMeeting(60, 90)
	path := writeReport(t, reporttest.Document(m, sessions, false), Options{})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(browsertest.DesktopWidth, 900)); err != nil {
		t.Fatal(err)
	}
	var log browsertest.Log
	open(t, ctx, path, &log)

	charts := browsertest.Eval[int](t, ctx, `document.querySelectorAll('.chart').length`)
	drawn := browsertest.Eval[int](t, ctx, `Array.from(document.querySelectorAll('.chart')).filter(d => {
		const c = d.querySelector('canvas'); return c && c.width > 0 && c.height > 0; }).length`)
	if charts != 32 || drawn != charts {
		t.Errorf("%d chart containers, %d with a drawn canvas; want 32 and all", charts, drawn)
	}
	if hm := browsertest.Eval[string](t, ctx, `echarts.getInstanceByDom(document.getElementById('heatmap')).getOption().series[0].type`); hm != "heatmap" {
		t.Errorf("the heatmap chart draws %q", hm)
	}
	// Every row the zoomed heatmap shows is drawn.
	blank := browsertest.Eval[string](t, ctx, `(() => {
		const el = document.getElementById('heatmap'), hm = echarts.getInstanceByDom(el);
		const canvas = el.querySelector('canvas'), g = canvas.getContext('2d');
		const dpr = canvas.width / canvas.clientWidth, blank = [];
		for (let row = 0; row < 40; row++) {
			const [x, y] = hm.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [10, row]);
			const d = g.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
			if (d[0] > 240 && d[1] > 240 && d[2] > 240) blank.push(row);
		}
		return blank.join(',');
	})()`)
	if blank != "" {
		t.Errorf("heatmap rows %s are blank", blank)
	}
	// Show tooltips over the hostile names: ECharts writes tooltips as
	// HTML, so this is where an unescaped name would run.
	browsertest.Eval[bool](t, ctx, `(() => {
		const hm = echarts.getInstanceByDom(document.getElementById('heatmap'));
		const rows = hm.getOption().yAxis[0].data;
		const data = hm.getOption().series[0].data;
		for (let i = 0; i < data.length; i++) {
			if (rows[data[i][1]].includes('pwned') && data[i][0] === 5) hm.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i});
		}
		for (const el of document.querySelectorAll('.chart')) {
			const c = echarts.getInstanceByDom(el);
			c.getOption().series.forEach((s, si) => {
				if (String(s.name).includes('pwned')) c.dispatchAction({type: 'showTip', seriesIndex: si, dataIndex: 3});
			});
		}
		return true;
	})()`)
	time.Sleep(300 * time.Millisecond)
	if pwned := browsertest.Eval[any](t, ctx, `window.__pwned`); pwned != nil {
		t.Errorf("a participant's name ran as script: window.__pwned = %v", pwned)
	}
	tips := browsertest.Eval[string](t, ctx, `Array.from(document.querySelectorAll('div')).filter(d => d.textContent.includes('pwned=2') && d.style.position === 'absolute').map(d => d.innerHTML).join('|')`)
	if !strings.Contains(tips, "&lt;img") {
		t.Errorf("no tooltip shows the hostile name as text: %q", tips)
	}
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('img').length`); n != 0 {
		t.Errorf("%d img elements in the page", n)
	}

	checkQuiet(t, &log)

	if o := browsertest.Overflow(t, ctx); o != "" {
		t.Errorf("at %d px: %s", browsertest.DesktopWidth, o)
	}
	// A screenshot for a human to look at.
	out := browsertest.Screenshot(t, ctx, "zoomqos-report-screenshot.png")

	// Printed: a PDF of several pages, the folded tables unfolded.
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); !bytes.HasPrefix(pdf, []byte("%PDF-")) || pages < 5 {
		t.Errorf("printing gave %d bytes and %d pages, not a PDF of the report", len(pdf), pages)
	}
	if open := browsertest.Eval[bool](t, ctx, `Array.from(document.querySelectorAll('details')).every(d => d.open)`); !open {
		t.Error("printing left tables folded away")
	}
	// Laid out for paper, and resized there (as printing does when it lays
	// the page out): every chart keeps its picture.
	if charts, short := printedCharts(t, ctx); charts != 32 || short != "" {
		t.Errorf("printed, %d charts; these pictures are under 100 px tall: %s", charts, short)
	}
	pdfOut := strings.TrimSuffix(out, ".png") + ".pdf"
	if err := os.WriteFile(pdfOut, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("printed: %s", pdfOut)

	// On a phone: the charts shrink to the screen, tables scroll in their
	// own boxes, nothing else runs past the right edge, and the heatmap's
	// legend keeps clear of its title.
	browsertest.Eval[bool](t, ctx, `Array.from(document.querySelectorAll('.chart')).every(el => { echarts.getInstanceByDom(el).dispatchAction({type: 'hideTip'}); return true; })`)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`Array.from(document.querySelectorAll('.chart > div:not(:first-child)')).every(d => getComputedStyle(d).visibility === 'hidden' || getComputedStyle(d).display === 'none')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("tooltips still shown: %v", err)
	}
	browsertest.SetWidth(t, ctx, browsertest.PhoneWidth)
	if o := browsertest.Overflow(t, ctx); o != "" {
		t.Errorf("at %d px: %s", browsertest.PhoneWidth, o)
	}
	if boxes := browsertest.Eval[int](t, ctx, `Array.from(document.querySelectorAll('.scroll')).filter(b => b.scrollWidth > b.clientWidth).length`); boxes == 0 {
		t.Error("no table scrolls sideways at 400 px: are the wide tables in their boxes?")
	}
	if o := browsertest.Eval[string](t, ctx, `(() => {
		const hm = echarts.getInstanceByDom(document.getElementById('heatmap'));
		const rect = main => {
			const v = hm.getViewOfComponentModel(hm.getModel().getComponent(main));
			const r = v.group.getBoundingRect().clone();
			r.applyTransform(v.group.getComputedTransform());
			return r;
		};
		const title = rect('title'), legend = rect('visualMap');
		return title.intersect(legend) ? JSON.stringify({title, legend}) : '';
	})()`); o != "" {
		t.Errorf("at %d px the heatmap's title and legend overlap: %s", browsertest.PhoneWidth, o)
	}
	browsertest.Screenshot(t, ctx, "zoomqos-report-screenshot-400.png")
}

// Names that would turn text around, in a real browser: a name with a
// right-to-left override and a Hebrew name, each followed in the worst
// sessions' list by its degraded share. The share must read left to
// right after the name, wherever the name came from; the names on the
// charts' canvas are isolated by marks that draw nothing.
func TestHostileTextInBrowser(t *testing.T) {
	ctx := browsertest.Start(t)
	const hebrew = "שלום עולם"
	m, sessions := reporttest.Hostile(8, 20, "Q4 \u202Eweiver plans", reporttest.RLOName)
	sessions[4].Session.UserName = hebrew // a bad-Wi-Fi session: among the worst
	// Zoom's words in an alert come from outside: markup, an override.
	m.Alerts = reporttest.Alerts(20, reporttest.HostileImg, reporttest.RLOName)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(browsertest.DesktopWidth, 900)); err != nil {
		t.Fatal(err)
	}
	var log browsertest.Log
	open(t, ctx, writeReport(t, reporttest.Document(m, sessions, false), Options{}), &log)

	// For each entry of the worst sessions' list: the characters of the
	// text after the name, left to right on the screen as in the text.
	order := browsertest.Eval[string](t, ctx, `(() => {
		const out = [];
		for (const li of document.querySelectorAll('.worst li')) {
			const b = li.querySelector('b'), text = b.nextSibling;
			const name = b.textContent, after = text.textContent, rs = [];
			for (let i = 0; i < after.length; i++) {
				if (after[i] === ' ') continue;
				const r = document.createRange();
				r.setStart(text, i); r.setEnd(text, i + 1);
				rs.push(r.getBoundingClientRect());
			}
			// Each character right of the one before on its line, or on a
			// line below; the first right of the name when on its line.
			const next = (a, c) => Math.abs(c.top - a.top) < 2 ? c.left > a.left : c.top > a.top;
			const end = b.getClientRects()[b.getClientRects().length - 1];
			const inOrder = rs.every((r, i) => i === 0 ? (Math.abs(r.top - end.top) >= 2 || r.left >= end.right - 1) : next(rs[i - 1], r));
			out.push(name + (inOrder ? ': in order' : ': turned around ' + JSON.stringify(after)));
		}
		return out.join('\n');
	})()`)
	if strings.Count(order, ": in order") != strings.Count(order, "\n")+1 || !strings.Contains(order, hebrew) || !strings.Contains(order, "Eve") {
		t.Errorf("the worst sessions, in the browser:\n%s", order)
	}
	// On the canvas: the isolating marks take no room (no missing-glyph
	// box), in the font the charts draw with.
	if w := browsertest.Eval[string](t, ctx, `(() => {
		const g = document.createElement('canvas').getContext('2d');
		g.font = '12px sans-serif';
		const plain = g.measureText('Person 4').width, marked = g.measureText('\u2068Person 4\u2069').width;
		return plain === marked ? '' : plain + ' ' + marked;
	})()`); w != "" {
		t.Errorf("FSI and PDI change a label's width on the canvas: %s", w)
	}
	// The heatmap's tooltip holds the name in a <bdi>.
	tip := browsertest.Eval[string](t, ctx, `(() => {
		const el = document.getElementById('heatmap'), hm = echarts.getInstanceByDom(el);
		const rows = hm.getOption().yAxis[0].data, data = hm.getOption().series[0].data;
		const i = data.findIndex(d => rows[d[1]].includes('\u05e9'));
		hm.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i});
		const d = Array.from(el.children).find(c => c.innerHTML.includes('UTC:'));
		return d ? d.innerHTML : '';
	})()`)
	if !strings.Contains(tip, "<bdi>\u2068"+hebrew+"\u2069</bdi><br>") {
		t.Errorf("the heatmap's tooltip: %q", tip)
	}
	// The alert's mark on a line chart: the axis tooltip at its time, and
	// the mark's own, name it as text.
	tips := browsertest.Eval[string](t, ctx, `(() => {
		const el = document.querySelector('.chart[id^="chart-"]'), c = echarts.getInstanceByDom(el);
		const s = c.getOption().series.find(s => s.id === 'alerts'), mark = s.markLine.data[s.markLine.data.length - 1];
		const [x, y] = c.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [mark.xAxis, 0]);
		c.dispatchAction({type: 'showTip', x: x, y: y - 20});
		const d = Array.from(el.children).find(d => d.innerHTML.includes('zq-alert'));
		return d ? d.innerHTML : '';
	})()`)
	if !strings.Contains(tips, `<div class="zq-alert">Zoom alert: `+"\u2068"+`&lt;img src=x onerror="window.__pwned=2"&gt;`+"\u2069"+`, `+"\u2068"+`Eve gnp.exe`+"\u2069"+` at 14:13:30</div>`) {
		t.Errorf("the axis tooltip at the alert: %q", tips)
	}
	time.Sleep(200 * time.Millisecond)
	if pwned := browsertest.Eval[any](t, ctx, `window.__pwned`); pwned != nil {
		t.Errorf("an alert's words ran as script: window.__pwned = %v", pwned)
	}
	browsertest.Screenshot(t, ctx, "zoomqos-hostile-screenshot.png")
	if errs := log.Errors(); len(errs) > 0 {
		t.Errorf("errors in the page: %v", errs)
	}
}

// chartJS finds the page's charts by title and reads what they draw:
// chart(title) is the ECharts instance, shaded(title, minute) the share
// of a column of the plot, at that many minutes from the timeline's
// start, that is tinted (not white, nor the grid's grey), marks(title, id)
// the mark areas of a series as [from, to] minutes, and at(title, id,
// minute, value) where a point is in the window.
const chartJS = `window.zq = (() => {
	const start = JSON.parse(document.getElementById('zq-data').textContent).start, MIN = 60000;
	const chart = title => echarts.getInstanceByDom(Array.from(document.querySelectorAll('.chart'))
		.find(el => { const c = echarts.getInstanceByDom(el); return c && c.getOption().title[0].text === title; }));
	const canvasAt = c => c.getDom().querySelector('canvas');
	const shaded = (title, minute) => {
		const c = chart(title), cv = canvasAt(c), g = cv.getContext('2d'), dpr = cv.width / cv.clientWidth;
		const grid = c.getModel().getComponent('grid').coordinateSystem.getRect();
		const x = c.convertToPixel({xAxisIndex: 0}, start + minute * MIN);
		let tinted = 0, n = 0;
		for (let y = grid.y + 3; y < grid.y + grid.height - 3; y += 2, n++) {
			const d = g.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
			if (!(d[0] > 245 && d[1] > 245 && d[2] > 245) && !(Math.abs(d[0] - d[1]) < 8 && Math.abs(d[1] - d[2]) < 8)) tinted++;
		}
		return tinted / n;
	};
	const marks = (title, id) => {
		const s = chart(title).getOption().series.find(s => s.id === id);
		return ((s.markArea || {}).data || []).map(a => [(a[0].xAxis - start) / MIN, (a[1].xAxis - start) / MIN]);
	};
	const at = (title, id, minute, value) => {
		const c = chart(title), k = c.getOption().series.findIndex(s => s.id === id);
		const p = c.convertToPixel({seriesIndex: k}, [start + minute * MIN, value]), r = canvasAt(c).getBoundingClientRect();
		return [p[0] + r.left, p[1] + r.top];
	};
	// legendAt is where a series' entry in the legend is, found as the
	// mouse would: by what is under each point of the legend's row.
	const legendAt = (title, name) => {
		const c = chart(title), zr = c.getZr(), r = canvasAt(c).getBoundingClientRect();
		const g = c.getViewOfComponentModel(c.getModel().getComponent('legend')).group, legend = g.getBoundingRect().clone();
		legend.applyTransform(g.getComputedTransform());
		for (let x = 0; x < r.width; x += 3) {
			const y = legend.y + legend.height / 2, h = zr.handler.findHover(x, y);
			for (let el = h && h.target; el; el = el.parent) {
				if ((el.childrenRef ? el.childrenRef() : []).some(ch => ch.style && ch.style.text === name)) return [x + r.left, y + r.top];
			}
		}
		return null;
	};
	const legendShown = title => {
		const c = chart(title), sel = c.getOption().legend[0].selected || {};
		return c.getOption().series.filter(s => /^s[0-9]+$/.test(s.id) && sel[s.name] !== false).map(s => s.id).join(',');
	};
	return {start, chart, shaded, marks, at, legendAt, legendShown};
})(); true`

// The charts shade the meeting-wide incidents, and a session's own
// windows only while its line is hovered, on the chart or in the legend,
// or shown alone: in a real browser, with the mouse.
func TestChartShadingInBrowser(t *testing.T) {
	ctx := browsertest.Start(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(browsertest.DesktopWidth, 900)); err != nil {
		t.Fatal(err)
	}
	var log browsertest.Log
	open(t, ctx, writeReport(t, plantedReport(), Options{}), &log)
	browsertest.Eval[bool](t, ctx, chartJS)
	const lat = "Latency · audio_input"

	// The incident (minutes 10 to 16) is shaded on the charts of a
	// quantity with a threshold, and on nothing else; nothing is shaded
	// outside it.
	for _, c := range []struct {
		title string
		band  bool
	}{{lat, true}, {"Jitter · audio_input", true}, {"MOS · audio_input", true}, {"Bitrate · audio_input", false}} {
		in := browsertest.Eval[float64](t, ctx, `zq.shaded('`+c.title+`', 13)`)
		out := browsertest.Eval[float64](t, ctx, `zq.shaded('`+c.title+`', 5)`)
		if c.band && in < 0.8 || !c.band && in > 0.2 || out > 0.2 {
			t.Errorf("%s: %.0f%% of the plot's height tinted inside the incident, %.0f%% outside it; want the band: %v", c.title, 100*in, 100*out, c.band)
		}
	}
	// Its tooltip names it.
	tip := func(title string, minute int) string {
		return browsertest.Eval[string](t, ctx, `(() => {
			const c = zq.chart('`+title+`'), p = c.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [zq.start + `+strconv.Itoa(minute)+` * 60000, 1]);
			c.dispatchAction({type: 'showTip', x: p[0], y: p[1]});
			const d = Array.from(c.getDom().children).find(d => d.style.position === 'absolute' && d.style.display !== 'none');
			const text = d ? d.textContent : '';
			c.dispatchAction({type: 'hideTip'});
			return text;
		})()`)
	}
	const name = "incident 14:10–14:16, 16 sessions degraded (peak 66.7%)"
	if got := tip(lat, 12); !strings.Contains(got, name) || !strings.Contains(got, "Person 20") {
		t.Errorf("the tooltip at 14:12 says %q; want %q and the lines' values", got, name)
	}
	if got := tip(lat, 5); strings.Contains(got, "incident") {
		t.Errorf("the tooltip at 14:05 says %q", got)
	}

	// Person 20's own window, 14:20 to 14:28 at 300 ms, shows while the
	// mouse is on its line, and goes away when the mouse leaves.
	move := func(xy []float64) {
		t.Helper()
		if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: xy[0], Y: xy[1]}); err != nil {
			t.Fatal(err)
		}
	}
	marks := func(id, want string) {
		t.Helper()
		expr := `JSON.stringify(zq.marks('` + lat + `', '` + id + `'))`
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr+` === '`+want+`'`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Errorf("series %s shades %s, want %s", id, browsertest.Eval[string](t, ctx, expr), want)
		}
	}
	const none, own20, own0 = `[]`, `[[20,28]]`, `[[10,16]]`
	browsertest.Eval[bool](t, ctx, `zq.chart('`+lat+`').getDom().scrollIntoView(), true`)
	marks("s20", none)
	blank := browsertest.Eval[float64](t, ctx, `zq.shaded('`+lat+`', 24)`)
	line := browsertest.Eval[[]float64](t, ctx, `zq.at('`+lat+`', 's20', 24, 300)`)
	move([]float64{line[0] - 30, line[1] + 40})
	move(line)
	marks("s20", own20)
	if shown := browsertest.Eval[float64](t, ctx, `zq.shaded('`+lat+`', 24)`); blank > 0.2 || shown < 0.8 {
		t.Errorf("at 14:24, %.0f%% of the plot tinted before the hover, %.0f%% during it", 100*blank, 100*shown)
	}
	marks("s0", none)
	move([]float64{line[0], line[1] + 60})
	marks("s20", none)

	// The same from its entry in the legend.
	entry := browsertest.Eval[[]float64](t, ctx, `zq.legendAt('`+lat+`', '\u2068Person 20\u2069')`)
	if entry == nil {
		t.Fatal("Person 20 is not in the legend")
	}
	move(entry)
	marks("s20", own20)
	move([]float64{entry[0], entry[1] + 150})
	marks("s20", none)

	// A click hides the line, another shows it again: neither leaves its
	// window shaded once the mouse has left.
	click := func(xy []float64, n int64) {
		t.Helper()
		for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
			if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: typ, X: xy[0], Y: xy[1], Button: input.MouseButtonLeft, ClickCount: n}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, want := range []int{DefaultLines - 1, DefaultLines} {
		move(entry)
		click(entry, 1)
		move([]float64{entry[0], entry[1] + 150})
		if got := browsertest.Eval[string](t, ctx, `zq.legendShown('`+lat+`')`); strings.Count(got, ",") != want-1 {
			t.Errorf("after a click on Person 20, the legend shows sessions %s", got)
		}
		marks("s20", none)
	}

	// A double click on the entry shows Person 20 alone, its window
	// shaded even with the mouse elsewhere; another brings every session
	// back, and the window goes.
	dblclick := func(xy []float64) {
		t.Helper()
		move(xy)
		click(xy, 1)
		// As a person's hand, slower than the page: the legend drawn
		// anew after the first click before the second comes.
		browsertest.Eval[bool](t, ctx, `window.zqFrames = 0; requestAnimationFrame(() => requestAnimationFrame(() => window.zqFrames = 2)), true`)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.zqFrames === 2`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatal(err)
		}
		click(xy, 2)
		move([]float64{xy[0], xy[1] + 150})
	}
	dblclick(entry)
	if got := browsertest.Eval[string](t, ctx, `zq.legendShown('`+lat+`')`); got != "s20" {
		t.Errorf("after a double click on Person 20, the legend shows sessions %s", got)
	}
	marks("s20", own20)
	move(line)
	move([]float64{line[0], line[1] + 60})
	marks("s20", own20)
	dblclick(entry)
	if got := browsertest.Eval[string](t, ctx, `zq.legendShown('`+lat+`')`); strings.Count(got, ",") != DefaultLines-1 {
		t.Errorf("after a second double click, the legend shows sessions %s", got)
	}
	marks("s20", none)

	// Hiding every other session one click at a time leaves Person 0
	// alone, its window shaded; showing another hides it again.
	browsertest.Eval[bool](t, ctx, `(() => {
		const c = zq.chart('`+lat+`');
		c.getOption().series.filter(s => /^s[0-9]+$/.test(s.id) && s.id !== 's0').forEach(s => c.dispatchAction({type: 'legendToggleSelect', name: s.name}));
		return true;
	})()`)
	marks("s0", own0)
	browsertest.Eval[bool](t, ctx, `(() => { zq.chart('`+lat+`').dispatchAction({type: 'legendSelect', name: '\u2068Person 20\u2069'}); return true; })()`)
	marks("s0", none)
	marks("s20", none)

	if errs := log.Errors(); len(errs) > 0 {
		t.Errorf("errors in the page: %v", errs)
	}
}
