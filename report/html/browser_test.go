package html

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
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
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "report.html")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := WriteMeeting(f, doc, o); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestReportInBrowser(t *testing.T) {
	ctx := browsertest.Start(t)
	// 60 sessions: more than the heatmap shows at once, so it is zoomed.
	path := writeReport(t, reporttest.Report(60, 90), Options{})
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
	pdfOut := strings.TrimSuffix(out, ".png") + ".pdf"
	if err := os.WriteFile(pdfOut, pdf, 0o644); err != nil {
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
	browsertest.Screenshot(t, ctx, "zoomqos-hostile-screenshot.png")
	if errs := log.Errors(); len(errs) > 0 {
		t.Errorf("errors in the page: %v", errs)
	}
}
