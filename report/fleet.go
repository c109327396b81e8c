package report

import (
	"time"

	"github.com/zoomqos/zoomqos/analyze"
)

// Fleet is what a fleet report (report/html's page, report/email's
// digest) is drawn from: a period's analysis and where its meetings'
// own reports are.
type Fleet struct {
	Result *analyze.PeriodResult
	// Links maps a meeting's id to its own report, relative to the fleet
	// report's file; a meeting without one has no link.
	Links     map[string]string
	Zone      *time.Location // times are shown in it; nil: UTC
	Generated time.Time
	Redacted  bool
	Version   string // zoomqos's
}
