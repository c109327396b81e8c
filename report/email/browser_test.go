package email

import (
	"bytes"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/zoomqos/zoomqos/internal/browsertest"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// The browser test opens the e-mail's HTML part in a real headless
// Chromium (internal/browsertest): it skips where there is none, unless
// ZOOMQOS_BROWSER_TESTS=require.

// The e-mail's HTML part as a mail client shows it: its cid: pictures
// served beside it (a browser knows no cid:), no script, no network.
func TestEmailInBrowser(t *testing.T) {
	ctx := browsertest.Start(t)
	// Stored under an instance UUID with no number: the UUID is the title.
	m, sessions := reporttest.Meeting(24, 90)
	m.ID = "4444AAAiAAAAAiAiAiiAii=="
	raw := writeEmail(t, reporttest.Document(m, sessions, false), Options{ReportName: "report-4444AAAiAAAAAiAiAiiAii==.html"})
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
	var log browsertest.Log
	log.Listen(t, ctx)
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(browsertest.DesktopWidth, 900), chromedp.Navigate("file://"+path)); err != nil {
		t.Fatal(err)
	}
	loaded := browsertest.Eval[string](t, ctx, `Array.from(document.images).map(i => i.complete + ':' + i.naturalWidth + 'x' + i.naturalHeight + ':' + i.width).join(',')`)
	if want := strings.TrimSuffix(strings.Repeat("true:1200x500:600,", 3), ","); loaded != want {
		t.Errorf("images %s, want %s (drawn at 2x, shown at 600 px)", loaded, want)
	}
	if n := browsertest.Eval[int](t, ctx, `document.scripts.length`); n != 0 {
		t.Errorf("%d scripts in the e-mail", n)
	}
	browsertest.Screenshot(t, ctx, "zoomqos-email-screenshot.png")
	// On a phone, as wide as the screen and no wider.
	browsertest.SetWidth(t, ctx, browsertest.PhoneWidth)
	if o := browsertest.Overflow(t, ctx); o != "" {
		t.Errorf("at %d px: %s", browsertest.PhoneWidth, o)
	}
	if w := browsertest.Eval[float64](t, ctx, `Math.max(...Array.from(document.images).map(i => i.getBoundingClientRect().width))`); w > browsertest.PhoneWidth-16 || w < browsertest.PhoneWidth-80 {
		t.Errorf("at %d px the charts are %g px wide", browsertest.PhoneWidth, w)
	}
	browsertest.Screenshot(t, ctx, "zoomqos-email-screenshot-400.png")
	for _, u := range log.Requests() {
		if !strings.HasPrefix(u, "file://") {
			t.Errorf("the e-mail requested %s", u)
		}
	}
	if errs := log.Errors(); len(errs) > 0 {
		t.Errorf("errors: %v", errs)
	}
}
