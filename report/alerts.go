package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/store"
)

// Zoom's alerts on a meeting in words, as the page, the e-mail and the
// terminal table list them: when, what Zoom said, and what zoomqos saw
// then (analyze.AlertResult), so that a reader sees whether they agree.

// AlertRow is one of Zoom's alerts as a report lists it.
type AlertRow struct {
	analyze.AlertResult
	When string // its time of day in the report's zone, to the second
	// Said are Zoom's words for its issues ("Unstable audio quality"), as
	// DisplayText shows them: they come from outside.
	Said []string
	Seen string // what zoomqos saw then: "during incident 2 (14:10–14:16)"
}

// AlertRows words a meeting's alerts, their times in loc (nil: UTC): to
// the second, and with the zone's abbreviation when it changes during the
// meeting, as a window's bounds are written.
func AlertRows(r *analyze.MeetingResult, loc *time.Location) []AlertRow {
	if len(r.Alerts) == 0 {
		return nil
	}
	seconds, clock := ClockSeconds, Clock
	if r.Start != nil && r.End != nil {
		seconds, clock = seconds.Within(loc, *r.Start, *r.End), clock.Within(loc, *r.Start, *r.End)
	}
	out := make([]AlertRow, 0, len(r.Alerts))
	for _, a := range r.Alerts {
		row := AlertRow{AlertResult: a, When: seconds.FormatIn(a.Time, loc), Seen: alertSeen(r, &a, clock, loc)}
		for _, s := range a.Issues {
			row.Said = append(row.Said, DisplayText(s, DisplayLimit))
		}
		if len(row.Said) == 0 {
			row.Said = []string{"(no issue named)"}
		}
		out = append(out, row)
	}
	return out
}

// alertSeen says what zoomqos saw at an alert's time: the incident it
// came during, else the degradation windows open then (how many sessions,
// on what: audio, video, screen share, CPU, Wi-Fi), else nothing; or that
// zoomqos has no samples then.
func alertSeen(r *analyze.MeetingResult, a *analyze.AlertResult, clock TimeLayout, loc *time.Location) string {
	switch {
	case !a.Sampled:
		return "no samples then"
	case a.Incident != nil:
		in := r.Incidents[*a.Incident]
		return fmt.Sprintf("during incident %d (%s–%s)", *a.Incident+1, clock.FormatIn(in.Start, loc), clock.FormatIn(in.End, loc))
	case len(a.Windows) == 0:
		return "nothing degraded then"
	}
	sessions := map[string]bool{}
	var streams [store.NumStreams]bool
	for _, k := range a.Windows {
		w := &r.Windows[k]
		sessions[w.Participant+"\x00"+w.Session] = true
		streams[w.Stream] = true
	}
	var names []string
	for st, on := range streams {
		if w := streamWord(store.Stream(st)); on && !slices.Contains(names, w) {
			names = append(names, w)
		}
	}
	who := "a degradation window of 1 session"
	if n := len(sessions); n > 1 {
		who = "degradation windows of " + strconv.Itoa(n) + " sessions"
	}
	return "during " + who + " (" + strings.Join(names, ", ") + ")"
}

// streamWord is what a stream carries, in the words of Zoom's alerts:
// audio, video, screen share, CPU, Wi-Fi (each direction and leg alike).
func streamWord(st store.Stream) string {
	switch name := st.String(); {
	case strings.HasPrefix(name, "audio"):
		return "audio"
	case strings.HasPrefix(name, "video"):
		return "video"
	case strings.HasPrefix(name, "as_"):
		return "screen share"
	case strings.HasPrefix(name, "wifi"):
		return "Wi-Fi"
	}
	return "CPU"
}

// AlertName is an alert as a chart's mark names it: "Zoom alert: Unstable
// audio quality" at 14:07:32, each issue isolated (FSI … PDI), as the
// chart's other labels from outside are.
func AlertName(a AlertRow) string {
	said := make([]string, len(a.Said))
	for i, s := range a.Said {
		said[i] = Isolate(s)
	}
	return "Zoom alert: " + strings.Join(said, ", ") + " at " + a.When
}
