package report_test

import (
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/report"
)

// Every layout writes the time in UTC, whatever zone it comes in, and an
// unknown (zero) time as "-".
func TestTimeLayouts(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	at := time.Date(2026, 11, 20, 15, 4, 9, 500_000_000, berlin) // 14:04:09.5 UTC
	for _, c := range []struct {
		layout report.TimeLayout
		want   string
	}{
		{report.Clock, "14:04"},
		{report.ClockSeconds, "14:04:09"},
		{report.DayClock, "2026-11-20 14:04"},
		{report.Stamp, "2026-11-20 14:04 UTC"},
		{report.MailStamp, "Fri 20 Nov 2026 14:04 UTC"},
		{report.MailDay, "20 Nov"},
		{report.RFC3339, "2026-11-20T14:04:09Z"},
	} {
		t.Run(string(c.layout), func(t *testing.T) {
			if got := c.layout.Format(at); got != c.want {
				t.Errorf("Format = %q, want %q", got, c.want)
			}
			if got := c.layout.Format(time.Time{}); got != "-" {
				t.Errorf("Format(zero) = %q, want \"-\"", got)
			}
		})
	}
}
