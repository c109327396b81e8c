// Package browsertest opens what zoomqos writes for browsers and mail
// clients (the report's page, the e-mail's HTML part) in a real headless
// Chromium, driven by chromedp, and watches what the page does.
//
// Tests skip, with a message, where there is no Chromium;
// ZOOMQOS_BROWSER_TESTS=require (which .ci/run sets) makes that a failure.
// ZOOMQOS_CHROMIUM names the browser when it is not chromium,
// chromium-browser or google-chrome on the PATH.
//
// It imports nothing of zoomqos, and only tests import it.
package browsertest

import (
	"cmp"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Widths a report and an e-mail must read at: a desktop browser's, and a
// phone's.
const (
	DesktopWidth = 1400
	PhoneWidth   = 400
)

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

// Start starts a headless Chromium with no network beyond the page: the
// flags keep its own background traffic off (a test that loads a page
// turns the tab offline too). It is stopped when the test ends.
func Start(tb testing.TB) context.Context {
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

// Log is what a page did: the requests it made, what it logged as an
// error, what it threw, the dialogs it opened.
type Log struct {
	mu       sync.Mutex
	requests []string
	errors   []string
	dialogs  []string
}

func (l *Log) add(dst *[]string, s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	*dst = append(*dst, s)
}

// Requests are the URLs the page requested.
func (l *Log) Requests() []string { l.mu.Lock(); defer l.mu.Unlock(); return slices.Clone(l.requests) }

// Errors are what the page logged as an error or threw.
func (l *Log) Errors() []string { l.mu.Lock(); defer l.mu.Unlock(); return slices.Clone(l.errors) }

// Dialogs are the messages of the dialogs the page opened (each
// dismissed).
func (l *Log) Dialogs() []string { l.mu.Lock(); defer l.mu.Unlock(); return slices.Clone(l.dialogs) }

// Listen records what the tab of ctx does from now on.
func (l *Log) Listen(tb testing.TB, ctx context.Context) {
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

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](tb testing.TB, ctx context.Context, expr string) T {
	tb.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.Fatalf("%s: %v", expr, err)
	}
	return v
}

// Screenshot writes a full-page screenshot for a human to look at, to
// $ZOOMQOS_SCREENSHOT_DIR (default: the temporary directory), and says
// where.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	// A screenshot shows a report: written 0600, as the reports are.
	out := filepath.Join(cmp.Or(os.Getenv("ZOOMQOS_SCREENSHOT_DIR"), os.TempDir()), name)
	if err := os.WriteFile(out, shot, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", out)
	return out
}

// SetWidth makes the window w pixels wide and waits until the page has
// laid itself out again: every chart as wide as its box.
func SetWidth(t testing.TB, ctx context.Context, w int64) {
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

// Overflow lists what runs past the right edge of the window, where
// nothing may: the document, and every element as far as it shows; a
// table wider than the window shows only as far as the box it scrolls in.
// Empty when all fits.
func Overflow(t testing.TB, ctx context.Context) string {
	t.Helper()
	return Eval[string](t, ctx, `(() => {
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
