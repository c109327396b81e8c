package collect

import (
	"fmt"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
)

// What a collection did: the progress it shows while it runs and the
// report it gives at the end.

// Progress is a snapshot for a progress display.
type Progress struct {
	MeetingsDone, MeetingsTotal int
	Pages                       int
	Added, Present              int
	Client                      zoom.ClientStats
}

// CollectReport says what a collection did.
type CollectReport struct {
	Meetings int // meetings with pages stored
	Webinars int // webinars with pages stored
	// PartialMeetings and PartialWebinars are those of Meetings and
	// Webinars that could not be collected in full: their pages received
	// are stored, but their lists did not end as they should, or a
	// request failed, or the run stopped while they were collected.
	PartialMeetings, PartialWebinars int
	Skipped                          int     // past meetings or webinars skipped: collected in full before
	Ended                            int     // live meetings or webinars seen ending
	Failed                           []error // meetings or webinars that could not be collected; the others were
	Pages                            int     // documents stored
	// Merged are meetings an older zoomqos stored under their number,
	// moved into the instance (UUID) they are.
	Merged []Merged
	Counts
	Client  zoom.ClientStats
	Elapsed time.Duration

	webinars bool // webinars were asked for: none collected is "0 webinars"
}

// Summary says what was collected, in words: "12 meetings and 2
// webinars", "1 meeting", "2 webinars"; and, when some could not be
// collected in full, how many were and how many only in part: "9 meetings
// in full and 3 only in part".
func (r *CollectReport) Summary() string {
	count := func(n, partial int, what string) string {
		s := plural(n-partial, what)
		if partial > 0 {
			s += fmt.Sprintf(" in full and %d only in part", partial)
		}
		return s
	}
	meetings, webinars := count(r.Meetings, r.PartialMeetings, "meeting"), count(r.Webinars, r.PartialWebinars, "webinar")
	switch {
	case r.Webinars == 0 && r.Meetings == 0 && r.webinars:
		return webinars
	case r.Webinars == 0:
		return meetings
	case r.Meetings == 0:
		return webinars
	case r.PartialMeetings+r.PartialWebinars > 0:
		return meetings + ", and " + webinars
	}
	return meetings + " and " + webinars
}

// plural is "1 meeting", "2 meetings".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
