package report

import (
	"slices"
	"strconv"
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
	Links map[string]string
	Zone  *time.Location // times are shown in it; nil: UTC
	// Since, for a digest, is the instant it reports what was collected
	// after (the last digest's); zero for a fleet report of a period.
	Since     time.Time
	Generated time.Time
	Redacted  bool
	Version   string // zoomqos's
}

// RedactPeriod replaces what identifies people in a period's analysis, for
// reports that travel: people become "Participant N" in the order they are
// listed, topics read RedactedTopic, and the why names no IP prefix (the
// meeting report's redaction leaves none to find). Devices, locations,
// networks, client versions and data centers stay.
func RedactPeriod(r *analyze.PeriodResult) {
	for i := range r.People {
		n := strconv.Itoa(i + 1)
		r.People[i].Key = "participant-" + n
		r.People[i].Name = "Participant " + n
	}
	for i := range r.Worst {
		if r.Worst[i].Topic != "" {
			r.Worst[i].Topic = RedactedTopic
		}
	}
	for i := range r.Incidents {
		in := &r.Incidents[i]
		if in.Topic != "" {
			in.Topic = RedactedTopic
		}
		if in.Why != nil {
			w := *in.Why
			w.Common = slices.DeleteFunc(slices.Clone(w.Common), func(f analyze.Factor) bool { return f.Kind == analyze.FactorIPPrefix })
			in.Why = &w
		}
	}
}
