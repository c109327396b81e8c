package html

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/zoomqos/zoomqos/internal/browsertest"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// A meeting in New York across the change to summer time, in a browser
// whose own zone is Tokyo's: the page's times, its axes' labels and its
// tooltips are New York's, EST before 02:00 and EDT from 03:00; a meeting
// in Kolkata is labelled in IST (UTC+05:30), its ticks on Kolkata's hours.
func TestZoneInBrowser(t *testing.T) {
	ctx := browsertest.Start(t)
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Tokyo"}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(browsertest.DesktopWidth, 900)); err != nil {
		t.Fatal(err)
	}
	// The times of day the first line chart's axis draws.
	axisLabels := func() []string {
		return strings.Fields(browsertest.Eval[string](t, ctx, `(() => {
			const c = echarts.getInstanceByDom(document.getElementById('chart-0')), out = [];
			c.getZr().storage.getDisplayList().forEach(el => {
				if (el.style && /^\d\d:\d\d$/.test(el.style.text)) out.push(el.style.text);
			});
			return out.join(' ');
		})()`))
	}
	// The heading of the first line chart's tooltip at a moment (ms).
	tooltipAt := func(ms int64) string {
		return browsertest.Eval[string](t, ctx, `(() => {
			const el = document.getElementById('chart-0'), c = echarts.getInstanceByDom(el);
			const data = JSON.parse(document.getElementById('zq-data').textContent);
			const [x] = c.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [`+strconv.FormatInt(ms, 10)+` + data.zone.shift, 0]);
			c.dispatchAction({type: 'showTip', x: x, y: 150});
			const tip = Array.from(el.children).find(d => d.style.display !== 'none' && d.tagName === 'DIV' && d.textContent.includes('median'));
			return tip ? tip.textContent : '';
		})()`)
	}

	t.Run("New York", func(t *testing.T) {
		doc := reporttest.ReportAt(reporttest.DSTStart, 12, 90)
		var log browsertest.Log
		open(t, ctx, writeReport(t, doc, Options{Location: reporttest.Zone(t, "America/New_York")}), &log)
		text := browsertest.Eval[string](t, ctx, `document.querySelector('header').innerText`)
		if !strings.Contains(text, "Times in America/New_York (EST, UTC-05:00; EDT, UTC-04:00 from 03:00 on 8 Mar).") {
			t.Errorf("the zone is not named at the top:\n%s", text)
		}
		if !regexp.MustCompile(`When\s+2026-03-08 01:3\d EST – 04:0\d EDT`).MatchString(text) {
			t.Errorf("the meeting's span:\n%s", text)
		}
		labels := axisLabels()
		joined := " " + strings.Join(labels, " ")
		if len(labels) < 3 || strings.Contains(joined, " 02:") || !strings.Contains(joined, " 01:") || !strings.Contains(joined, " 03:") {
			t.Errorf("the time axis reads %v: want New York's times, 01:xx then 03:xx, never 02:xx", labels)
		}
		if tip := tooltipAt(time.Date(2026, 3, 8, 6, 59, 30, 0, time.UTC).UnixMilli()); !strings.HasPrefix(tip, "01:59 EST") {
			t.Errorf("the tooltip at 06:59:30 UTC: %q, want 01:59 EST", tip)
		}
		if tip := tooltipAt(time.Date(2026, 3, 8, 7, 0, 30, 0, time.UTC).UnixMilli()); !strings.HasPrefix(tip, "03:00 EDT") {
			t.Errorf("the tooltip at 07:00:30 UTC: %q, want 03:00 EDT", tip)
		}
		browsertest.Screenshot(t, ctx, "zoomqos-zone-screenshot.png")
		if errs := log.Errors(); len(errs) > 0 {
			t.Errorf("errors in the page: %v", errs)
		}
	})
	t.Run("Kolkata", func(t *testing.T) {
		doc := reporttest.ReportAt(reporttest.KolkataStart, 6, 480)
		var log browsertest.Log
		open(t, ctx, writeReport(t, doc, Options{Location: reporttest.Zone(t, "Asia/Kolkata")}), &log)
		text := browsertest.Eval[string](t, ctx, `document.querySelector('header').innerText`)
		if !strings.Contains(text, "Times in Asia/Kolkata (IST, UTC+05:30).") || !regexp.MustCompile(`When\s+2026-11-21 01:3\d IST – 09:3\d IST`).MatchString(text) {
			t.Errorf("the header:\n%s", text)
		}
		// Without the shift to Kolkata's offset, the hourly ticks ECharts
		// puts on UTC's hours would read 02:30, 03:30, ...
		labels, hours := axisLabels(), 0
		for _, l := range labels {
			if strings.HasSuffix(l, ":00") {
				hours++
			}
			if strings.HasSuffix(l, ":30") {
				t.Errorf("a tick at %s in %v: want Kolkata's hours", l, labels)
			}
		}
		if hours < 4 {
			t.Errorf("the time axis reads %v: want Kolkata's hours, 02:00 to 09:00", labels)
		}
		if tip := tooltipAt(time.Date(2026, 11, 20, 21, 0, 30, 0, time.UTC).UnixMilli()); !strings.HasPrefix(tip, "02:30 IST") {
			t.Errorf("the tooltip at 21:00:30 UTC: %q, want 02:30 IST", tip)
		}
		if errs := log.Errors(); len(errs) > 0 {
			t.Errorf("errors in the page: %v", errs)
		}
	})
}
