package html

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/internal/browsertest"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

func writeFleet(tb testing.TB, f *report.Fleet) string {
	return writePage(tb, "fleet.html", func(w io.Writer) error { return WriteFleet(w, f) })
}

// The fleet page in a real browser: every chart drawn, the hostile
// names (a person's, a location that is a line of the trends, a topic)
// run nothing, no request leaves the page, nothing is logged as an
// error, it prints, and at 1400 and 400 px nothing but a table's own box
// runs past the window's right edge.
func TestFleetInBrowser(t *testing.T) {
	ctx := browsertest.Start(t)
	path := writeFleet(t, fleetDoc(t, nil, earlier))
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(browsertest.DesktopWidth, 900)); err != nil {
		t.Fatal(err)
	}
	var log browsertest.Log
	open(t, ctx, path, &log)

	// Every chart: an ECharts instance whose every series has data, on a
	// canvas with something drawn on it.
	if got := browsertest.Eval[string](t, ctx, `Array.from(document.querySelectorAll('.chart')).map(el => {
		const c = echarts.getInstanceByDom(el), canvas = el.querySelector('canvas');
		if (!c || !canvas || canvas.width === 0) return el.id + ': not drawn';
		const series = c.getOption().series;
		if (series.length === 0 || !series.every(s => s.data.length > 0)) return el.id + ': no data';
		const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
		let inked = 0;
		for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && (px[i] < 200 || px[i + 1] < 200 || px[i + 2] < 200)) inked++;
		return inked > 500 ? el.id + ': drawn' : el.id + ': blank (' + inked + ' px)';
	}).join('\n')`); strings.Count(got, ": drawn") != 7 {
		t.Errorf("the charts, want 7 drawn:\n%s", got)
	}
	// The tooltips over the hostile location's line: ECharts writes them
	// as HTML, where an unescaped name would run.
	shown := browsertest.Eval[int](t, ctx, `(() => {
		let n = 0;
		for (const el of document.querySelectorAll('.chart')) {
			const c = echarts.getInstanceByDom(el);
			c.getOption().series.forEach((s, si) => {
				if (!String(s.name).includes('pwned')) return;
				const i = s.data.findIndex(v => v != null);
				c.dispatchAction({type: 'showTip', seriesIndex: si, dataIndex: i});
				n++;
			});
		}
		return n;
	})()`)
	if shown == 0 {
		t.Error("no line of the trends carries the hostile location")
	}
	time.Sleep(300 * time.Millisecond)
	if pwned := browsertest.Eval[any](t, ctx, `window.__pwned`); pwned != nil {
		t.Errorf("a name from Zoom ran as script: window.__pwned = %v", pwned)
	}
	tips := browsertest.Eval[string](t, ctx, `Array.from(document.querySelectorAll('.chart div')).filter(d => d.textContent.includes('pwned=2') && d.style.position === 'absolute').map(d => d.innerHTML).join('|')`)
	if !strings.Contains(tips, "&lt;img") {
		t.Errorf("no tooltip shows the hostile location as text: %q", tips)
	}
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('img, iframe, object, embed').length`); n != 0 {
		t.Errorf("%d injected elements in the page", n)
	}
	if title := browsertest.Eval[string](t, ctx, `document.title`); title != "Fleet quality report · 2026-11-01 – 2026-11-30 · zoomqos" {
		t.Errorf("title %q", title)
	}
	// The topic is text in its cell, the link goes where it was given.
	if got := browsertest.Eval[string](t, ctx, `Array.from(document.querySelectorAll('#worst a')).map(a => a.getAttribute('href')).join(' ')`); got != "meetings/worst.html a%22%20onmouseover=%22window.__pwned=6%22%20b.html" {
		t.Errorf("the worst meetings' links: %q", got)
	}
	if !browsertest.Eval[bool](t, ctx, `Array.from(document.querySelectorAll('#worst td bdi')).some(b => b.textContent.startsWith('Q3 </title><script>'))`) {
		t.Error("the hostile topic is not shown as text")
	}

	if o := browsertest.Overflow(t, ctx); o != "" {
		t.Errorf("at %d px: %s", browsertest.DesktopWidth, o)
	}
	out := browsertest.Screenshot(t, ctx, "zoomqos-fleet-screenshot.png")

	// Printed: a PDF of several pages, with no error.
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); !bytes.HasPrefix(pdf, []byte("%PDF-")) || pages < 3 {
		t.Errorf("printing gave %d bytes and %d pages, not a PDF of the report", len(pdf), pages)
	}
	// Laid out for paper, and resized there (as printing does when it lays
	// the page out): every chart keeps its picture, scaled to the column.
	if charts, short := printedCharts(t, ctx); charts != 7 || short != "" {
		t.Errorf("printed, %d charts; these pictures are under 100 px tall: %s", charts, short)
	}
	pdfOut := strings.TrimSuffix(out, ".png") + ".pdf"
	if err := os.WriteFile(pdfOut, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("printed: %s", pdfOut)

	// On a phone: the charts shrink to the screen, the tables scroll in
	// their own boxes, nothing else runs past the right edge.
	browsertest.Eval[bool](t, ctx, `Array.from(document.querySelectorAll('.chart')).every(el => { echarts.getInstanceByDom(el).dispatchAction({type: 'hideTip'}); return true; })`)
	// (A tooltip never shown is an empty box.)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`Array.from(document.querySelectorAll('.chart > div:not(:first-child)')).every(d => getComputedStyle(d).visibility === 'hidden' || getComputedStyle(d).display === 'none' || d.innerHTML === '')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("tooltips still shown: %v: %s", err, browsertest.Eval[string](t, ctx, `Array.from(document.querySelectorAll('.chart > div:not(:first-child)')).map(d => d.parentElement.id + ' ' + getComputedStyle(d).visibility + ' ' + getComputedStyle(d).display + ' ' + d.outerHTML.slice(0, 300)).join('\n')`))
	}
	browsertest.SetWidth(t, ctx, browsertest.PhoneWidth)
	if o := browsertest.Overflow(t, ctx); o != "" {
		t.Errorf("at %d px: %s", browsertest.PhoneWidth, o)
	}
	if boxes := browsertest.Eval[int](t, ctx, `Array.from(document.querySelectorAll('.scroll')).filter(b => b.scrollWidth > b.clientWidth).length`); boxes == 0 {
		t.Error("no table scrolls sideways at 400 px: are the wide tables in their boxes?")
	}
	browsertest.Screenshot(t, ctx, "zoomqos-fleet-screenshot-400.png")

	checkQuiet(t, &log)
}

// An empty period's page opens and is ready at once, with no runtime and
// no error.
func TestEmptyFleetInBrowser(t *testing.T) {
	ctx := browsertest.Start(t)
	r := analyze.NewPeriod(reporttest.FleetFrom, reporttest.FleetTo, analyze.PeriodOptions{}).Result(nil)
	path := writeFleet(t, &report.Fleet{Result: r, Generated: reporttest.FleetTo, Version: "test"})
	var log browsertest.Log
	open(t, ctx, path, &log)
	if !browsertest.Eval[bool](t, ctx, `document.body.textContent.includes('nothing to report') && typeof echarts === 'undefined'`) {
		t.Error("the empty page does not say there is nothing to report, or loads ECharts")
	}
	if errs := log.Errors(); len(errs) > 0 {
		t.Errorf("errors in the page: %v", errs)
	}
}
