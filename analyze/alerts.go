package analyze

import (
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// Zoom's alerts on a meeting (meeting.alert, webinar.alert) held against
// what zoomqos found: did Zoom's "Unstable audio quality" come during one
// of the meeting-wide incidents, or while some sessions had degradation
// windows open, or when zoomqos saw nothing wrong?

// AlertLag is how long after an incident or a window ends an alert still
// counts as during it: Zoom sends an alert once it has judged a stretch of
// a participant's minutes, and zoomqos's samples are a minute apart.
const AlertLag = time.Minute

// AlertResult is one of Zoom's alerts with what zoomqos saw at its time.
// Its JSON is the alert's (time, event, issues) and the three fields below.
type AlertResult struct {
	store.Alert
	// Sampled says that zoomqos has samples of the meeting at the alert's
	// time (from the minute of the first sample to AlertLag after the
	// minute of the last): where it has none, it cannot agree or disagree.
	Sampled bool `json:"sampled"`
	// Incident is the index in MeetingResult.Incidents of the
	// meeting-wide incident the alert came during; nil when none.
	Incident *int `json:"incident"`
	// Windows are the indexes in MeetingResult.Windows of the degradation
	// windows open at the alert's time, in their order; empty when none.
	Windows []int `json:"windows"`
}

// matchAlerts holds each of a meeting's alerts against its incidents and
// windows, which r has in their final order.
func matchAlerts(alerts []store.Alert, r *MeetingResult) []AlertResult {
	out := make([]AlertResult, 0, len(alerts))
	for _, a := range alerts {
		ar := AlertResult{Alert: a, Windows: []int{}}
		if r.Start != nil && r.End != nil {
			ar.Sampled = during(a.Time, minuteStart(*r.Start), minuteStart(*r.End).Add(time.Minute))
		}
		for k, in := range r.Incidents {
			if during(a.Time, in.Start, in.End) {
				ar.Incident = &k
				break
			}
		}
		for k, w := range r.Windows {
			if during(a.Time, minuteStart(w.Start), w.End) {
				ar.Windows = append(ar.Windows, k)
			}
		}
		out = append(out, ar)
	}
	return out
}

// during says whether t falls between from and to (to excluded, as an
// incident's and a window's End are), or within AlertLag after them.
func during(t, from, to time.Time) bool {
	return !t.Before(from) && t.Before(to.Add(AlertLag))
}

// minuteStart is the start of t's minute: samples, windows and incidents are
// counted in whole minutes (see incidents).
func minuteStart(t time.Time) time.Time { return t.Truncate(time.Minute) }
