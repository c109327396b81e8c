package report

import (
	"bytes"
	"cmp"
	"context"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/zoomqos/zoomqos/report/reporttest"
)

// Browser tests open reports in a real headless Chromium. They skip, with
// a message, where there is none; ZOOMQOS_BROWSER_TESTS=require (which
// .ci/run sets) makes that a failure. ZOOMQOS_CHROMIUM names the browser
// when it is not chromium, chromium-browser or google-chrome on the PATH.

func chromium(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("ZOOMQOS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found (install the chromium package, or set ZOOMQOS_CHROMIUM): browser tests skipped"
	if os.Getenv("ZOOMQOS_BROWSER_TESTS") == "require" {
		tb.Fatal(msg + ", but ZOOMQOS_BROWSER_TESTS=require")
	}
	tb.Skip(msg)
	return ""
}

// browser starts a headless Chromium with no network beyond this page:
// the flags keep its own background traffic off, and open() makes the tab
// offline.
func browser(tb testing.TB) context.Context {
	tb.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(tb)),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	tb.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	tb.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// pageLog is what a page did: the requests it made, what it logged as an
// error, what it threw, the dialogs it opened.
type pageLog struct {
	mu       sync.Mutex
	requests []string
	errors   []string
	dialogs  []string
}

func (l *pageLog) add(dst *[]string, s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	*dst = append(*dst, s)
}

func (l *pageLog) listen(tb testing.TB, ctx context.Context) {
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			l.add(&l.requests, ev.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				l.add(&l.errors, "console: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			text := ev.ExceptionDetails.Text
			if ex := ev.ExceptionDetails.Exception; ex != nil {
				text += " " + ex.Description
			}
			l.add(&l.errors, "exception: "+text)
		case *cdppage.EventJavascriptDialogOpening:
			l.add(&l.dialogs, ev.Message)
			go chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// open loads a report file offline and waits until every chart has
// drawn; it returns the page's own count of milliseconds from navigation
// to that moment.
func open(tb testing.TB, ctx context.Context, path string, log *pageLog) float64 {
	tb.Helper()
	log.listen(tb, ctx)
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
		log.mu.Lock()
		defer log.mu.Unlock()
		tb.Fatalf("the report did not become ready: %v; errors: %v", err, log.errors)
	}
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.zoomqosReadyMs`))
	if err != nil {
		tb.Fatal(err)
	}
	return ms
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](tb testing.TB, ctx context.Context, expr string) T {
	tb.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.Fatalf("%s: %v", expr, err)
	}
	return v
}

// screenshot writes a full-page screenshot for a human to look at, to
// $ZOOMQOS_SCREENSHOT_DIR (default: the temporary directory), and says
// where.
func screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(cmp.Or(os.Getenv("ZOOMQOS_SCREENSHOT_DIR"), os.TempDir()), name)
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", out)
	return out
}

// Widths a report and an e-mail must read at: a desktop browser's, and a
// phone's.
const (
	desktopWidth = 1400
	phoneWidth   = 400
)

// setWidth makes the window w pixels wide and waits until the page has
// laid itself out again: every chart as wide as its box.
func setWidth(t *testing.T, ctx context.Context, w int64) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
		t.Fatal(err)
	}
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.innerWidth === `+strconv.FormatInt(w, 10)+` &&
		Array.from(document.querySelectorAll('.chart')).every(d => {
			const c = d.querySelector('canvas'); return !c || Math.abs(c.getBoundingClientRect().width - d.clientWidth + 2 * parseFloat(getComputedStyle(d).paddingLeft)) < 2; })`,
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("the page did not lay itself out at %d px: %v", w, err)
	}
}

// overflow lists what runs past the right edge of the window, where
// nothing may: the document, and every element as far as it shows; a
// table wider than the window shows only as far as the box it scrolls in.
// Empty when all fits.
func overflow(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `(() => {
		const w = window.innerWidth, bad = [];
		if (document.documentElement.scrollWidth > w) bad.push('the document is ' + document.documentElement.scrollWidth + ' px wide');
		for (const el of document.body.querySelectorAll('*')) {
			const r = el.getBoundingClientRect();
			let right = r.right;
			for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
				if (getComputedStyle(p).overflowX !== 'visible') right = Math.min(right, p.getBoundingClientRect().right);
			}
			if (r.width > 0 && right > w + 0.5) {
				bad.push('<' + el.tagName.toLowerCase() + (el.className ? ' class="' + el.className + '"' : '') + '> to ' + Math.round(right) + ' px: ' + el.textContent.slice(0, 40));
			}
		}
		return bad.slice(0, 8).join('; ');
	})()`)
}

func writeReport(tb testing.TB, doc *Meeting, o HTMLOptions) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "report.html")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := WriteMeetingHTML(f, doc, o); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestReportInBrowser(t *testing.T) {
	ctx := browser(t)
	// 60 sessions: more than the heatmap shows at once, so it is zoomed.
	path := writeReport(t, synthReport(t, 60, 90), HTMLOptions{})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(desktopWidth, 900)); err != nil {
		t.Fatal(err)
	}
	var log pageLog
	open(t, ctx, path, &log)

	charts := eval[int](t, ctx, `document.querySelectorAll('.chart').length`)
	drawn := eval[int](t, ctx, `Array.from(document.querySelectorAll('.chart')).filter(d => {
		const c = d.querySelector('canvas'); return c && c.width > 0 && c.height > 0; }).length`)
	if charts != 32 || drawn != charts {
		t.Errorf("%d chart containers, %d with a drawn canvas; want 32 and all", charts, drawn)
	}
	if hm := eval[string](t, ctx, `echarts.getInstanceByDom(document.getElementById('heatmap')).getOption().series[0].type`); hm != "heatmap" {
		t.Errorf("the heatmap chart draws %q", hm)
	}
	// Every row the zoomed heatmap shows is drawn.
	blank := eval[string](t, ctx, `(() => {
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
	eval[bool](t, ctx, `(() => {
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
	if pwned := eval[any](t, ctx, `window.__pwned`); pwned != nil {
		t.Errorf("a participant's name ran as script: window.__pwned = %v", pwned)
	}
	tips := eval[string](t, ctx, `Array.from(document.querySelectorAll('div')).filter(d => d.textContent.includes('pwned=2') && d.style.position === 'absolute').map(d => d.innerHTML).join('|')`)
	if !strings.Contains(tips, "&lt;img") {
		t.Errorf("no tooltip shows the hostile name as text: %q", tips)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('img').length`); n != 0 {
		t.Errorf("%d img elements in the page", n)
	}

	log.mu.Lock()
	for _, u := range log.requests {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s", u)
		}
	}
	if len(log.requests) == 0 {
		t.Error("no requests recorded: is the listener working?")
	}
	if len(log.errors) > 0 {
		t.Errorf("errors in the page: %v", log.errors)
	}
	if len(log.dialogs) > 0 {
		t.Errorf("the page opened dialogs: %v", log.dialogs)
	}
	log.mu.Unlock()

	if o := overflow(t, ctx); o != "" {
		t.Errorf("at %d px: %s", desktopWidth, o)
	}
	// A screenshot for a human to look at.
	out := screenshot(t, ctx, "zoomqos-report-screenshot.png")

	// Printed: a PDF of several pages, the folded tables unfolded.
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); !bytes.HasPrefix(pdf, []byte("%PDF-")) || pages < 5 {
		t.Errorf("printing gave %d bytes and %d pages, not a PDF of the report", len(pdf), pages)
	}
	if open := eval[bool](t, ctx, `Array.from(document.querySelectorAll('details')).every(d => d.open)`); !open {
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
	eval[bool](t, ctx, `Array.from(document.querySelectorAll('.chart')).every(el => { echarts.getInstanceByDom(el).dispatchAction({type: 'hideTip'}); return true; })`)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`Array.from(document.querySelectorAll('.chart > div:not(:first-child)')).every(d => getComputedStyle(d).visibility === 'hidden' || getComputedStyle(d).display === 'none')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("tooltips still shown: %v", err)
	}
	setWidth(t, ctx, phoneWidth)
	if o := overflow(t, ctx); o != "" {
		t.Errorf("at %d px: %s", phoneWidth, o)
	}
	if boxes := eval[int](t, ctx, `Array.from(document.querySelectorAll('.scroll')).filter(b => b.scrollWidth > b.clientWidth).length`); boxes == 0 {
		t.Error("no table scrolls sideways at 400 px: are the wide tables in their boxes?")
	}
	if o := eval[string](t, ctx, `(() => {
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
		t.Errorf("at %d px the heatmap's title and legend overlap: %s", phoneWidth, o)
	}
	screenshot(t, ctx, "zoomqos-report-screenshot-400.png")
}

// The e-mail's HTML part as a mail client shows it: its cid: pictures
// served beside it (a browser knows no cid:), no script, no network.
func TestEmailInBrowser(t *testing.T) {
	ctx := browser(t)
	// Stored under an instance UUID with no number: the UUID is the title.
	m, sessions := reporttest.Meeting(24, 90)
	m.ID = "4444AAAiAAAAAiAiAiiAii=="
	raw := writeEmail(t, meetingOf(m, sessions, false), EmailOptions{ReportName: "report-4444AAAiAAAAAiAiAiiAii==.html"})
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	related := parseMIME(t, msg.Header, msg.Body).Parts[0]
	dir := t.TempDir()
	html := string(related.Parts[0].Parts[1].Body)
	for _, img := range related.Parts[1:] {
		cid := strings.Trim(img.Header["Content-Id"][0], "<>")
		name := strings.TrimSuffix(cid, "@zoomqos") + ".png"
		if err := os.WriteFile(filepath.Join(dir, name), img.Body, 0o644); err != nil {
			t.Fatal(err)
		}
		html = strings.ReplaceAll(html, "cid:"+cid, name)
	}
	path := filepath.Join(dir, "email.html")
	if err := os.WriteFile(path, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	var log pageLog
	log.listen(t, ctx)
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(desktopWidth, 900), chromedp.Navigate("file://"+path)); err != nil {
		t.Fatal(err)
	}
	loaded := eval[string](t, ctx, `Array.from(document.images).map(i => i.complete + ':' + i.naturalWidth + 'x' + i.naturalHeight + ':' + i.width).join(',')`)
	if want := strings.TrimSuffix(strings.Repeat("true:1200x500:600,", 3), ","); loaded != want {
		t.Errorf("images %s, want %s (drawn at 2x, shown at 600 px)", loaded, want)
	}
	if n := eval[int](t, ctx, `document.scripts.length`); n != 0 {
		t.Errorf("%d scripts in the e-mail", n)
	}
	screenshot(t, ctx, "zoomqos-email-screenshot.png")
	// On a phone, as wide as the screen and no wider.
	setWidth(t, ctx, phoneWidth)
	if o := overflow(t, ctx); o != "" {
		t.Errorf("at %d px: %s", phoneWidth, o)
	}
	if w := eval[float64](t, ctx, `Math.max(...Array.from(document.images).map(i => i.getBoundingClientRect().width))`); w > phoneWidth-16 || w < phoneWidth-80 {
		t.Errorf("at %d px the charts are %g px wide", phoneWidth, w)
	}
	screenshot(t, ctx, "zoomqos-email-screenshot-400.png")
	log.mu.Lock()
	defer log.mu.Unlock()
	for _, u := range log.requests {
		if !strings.HasPrefix(u, "file://") {
			t.Errorf("the e-mail requested %s", u)
		}
	}
	if len(log.errors) > 0 {
		t.Errorf("errors: %v", log.errors)
	}
}

// Names that would turn text around, in a real browser: a name with a
// right-to-left override and a Hebrew name, each followed in the worst
// sessions' list by its degraded share. The share must read left to
// right after the name, wherever the name came from; the names on the
// charts' canvas are isolated by marks that draw nothing.
func TestHostileTextInBrowser(t *testing.T) {
	ctx := browser(t)
	const hebrew = "שלום עולם"
	m, sessions := reporttest.Hostile(8, 20, "Q4 \u202Eweiver plans", reporttest.RLOName)
	sessions[4].Session.UserName = hebrew // a bad-Wi-Fi session: among the worst
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(desktopWidth, 900)); err != nil {
		t.Fatal(err)
	}
	var log pageLog
	open(t, ctx, writeReport(t, meetingOf(m, sessions, false), HTMLOptions{}), &log)

	// For each entry of the worst sessions' list: the characters of the
	// text after the name, left to right on the screen as in the text.
	order := eval[string](t, ctx, `(() => {
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
	if w := eval[string](t, ctx, `(() => {
		const g = document.createElement('canvas').getContext('2d');
		g.font = '12px sans-serif';
		const plain = g.measureText('Person 4').width, marked = g.measureText('\u2068Person 4\u2069').width;
		return plain === marked ? '' : plain + ' ' + marked;
	})()`); w != "" {
		t.Errorf("FSI and PDI change a label's width on the canvas: %s", w)
	}
	// The heatmap's tooltip holds the name in a <bdi>.
	tip := eval[string](t, ctx, `(() => {
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
	screenshot(t, ctx, "zoomqos-hostile-screenshot.png")
	log.mu.Lock()
	defer log.mu.Unlock()
	if len(log.errors) > 0 {
		t.Errorf("errors in the page: %v", log.errors)
	}
}
