package analyze

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// AgreementRule says in words when zoomqos calls a session's stream kind
// degraded, for the comparison with Zoom's own ratings (RatingAgreement).
const AgreementRule = "degraded = at least one degradation window on a stream of the kind; " +
	"no data = no sample with a value of any stream of the kind; " +
	"agree = Zoom good or fair and zoomqos not degraded, or Zoom poor or bad and zoomqos degraded, " +
	"over the sessions with both a Zoom rating and zoomqos data"

// ZoomRatings are the ratings Zoom gives a session's stream, in the order
// an agreement table lists them; RatingNone stands for no rating (or one
// zoomqos does not know).
var ZoomRatings = []string{"good", "fair", "poor", "bad", RatingNone}

// RatingNone is the row of sessions Zoom gave no rating.
const RatingNone = "none"

// What zoomqos says of a session's stream kind in an agreement table.
const (
	VerdictDegraded    = "degraded"
	VerdictNotDegraded = "not degraded"
	VerdictNoData      = "no data"
)

// MaxDisagreements is how many disagreeing sessions an agreement lists.
const MaxDisagreements = 10

// ratingKind is a kind of stream Zoom rates: its name in store.Session's
// ZoomRating and the streams zoomqos judges it by.
type ratingKind struct {
	name    string
	streams [2]store.Stream
}

// ratingKinds are the kinds Zoom rates, in table order.
var ratingKinds = [3]ratingKind{
	{"audio", [2]store.Stream{store.AudioInput, store.AudioOutput}},
	{"video", [2]store.Stream{store.VideoInput, store.VideoOutput}},
	{"screen_share", [2]store.Stream{store.ASInput, store.ASOutput}},
}

// RatingAgreement compares Zoom's own rating of each session's audio,
// video and screen share (from the participants list) with what zoomqos
// finds in the same session's samples, as AgreementRule says.
type RatingAgreement struct {
	Rule  string          `json:"rule"`
	Kinds []KindAgreement `json:"kinds"` // audio, video, screen_share
	// Rated counts the sessions Zoom rated on at least one kind: none
	// means the ratings were never collected.
	Rated int `json:"rated_sessions"`
}

// KindAgreement is the contingency table of one stream kind: a row per
// Zoom rating, a column per zoomqos verdict.
type KindAgreement struct {
	Kind    string         `json:"kind"`    // audio, video or screen_share
	Streams []store.Stream `json:"streams"` // the streams zoomqos judges it by
	Rows    []AgreementRow `json:"rows"`    // good, fair, poor, bad, none
	Rated   int            `json:"rated"`   // sessions Zoom rated
	// Compared counts the sessions with both a Zoom rating and zoomqos
	// data; Agree those of them where the two agree. Rate is Agree /
	// Compared, null when nothing could be compared.
	Compared int      `json:"compared"`
	Agree    int      `json:"agree"`
	Rate     *float64 `json:"agreement_rate"`
	// Disagreements are the first MaxDisagreements disagreeing sessions
	// (in join order); MoreDisagreements counts the rest.
	Disagreements     []Disagreement `json:"disagreements"`
	MoreDisagreements int            `json:"more_disagreements,omitempty"`
}

// AgreementRow is one Zoom rating's row: how many sessions zoomqos found
// degraded, not degraded, or had no data of.
type AgreementRow struct {
	Rating      string `json:"zoom"`
	Degraded    int    `json:"degraded"`
	NotDegraded int    `json:"not_degraded"`
	NoData      int    `json:"no_data"`
}

// Total is the row's sessions.
func (r AgreementRow) Total() int { return r.Degraded + r.NotDegraded + r.NoData }

// Disagreement is a session on which Zoom's rating and zoomqos disagree.
type Disagreement struct {
	Meeting     string `json:"meeting,omitempty"` // in a fleet roll-up
	Participant string `json:"participant"`
	Session     string `json:"session"` // join time, as SessionName gives it
	UserName    string `json:"user_name"`
	Zoom        string `json:"zoom"`    // Zoom's rating
	Zoomqos     string `json:"zoomqos"` // VerdictDegraded or VerdictNotDegraded
	// Worst says why: the worst value of each metric its longest window
	// of the kind breached when zoomqos says degraded ("audio_input:
	// latency_ms 320, jitter_ms 45"), else the degraded share of the
	// kind's stream with the most ("audio_output: 12.5% of samples
	// degraded, no window").
	Worst string `json:"worst"`
}

// agreementTally counts one worker's sessions for a RatingAgreement.
type agreementTally struct {
	cells    [len(ratingKinds)][5][3]int // kind, rating (ZoomRatings order), verdict
	rated    int
	disagree [len(ratingKinds)][]orderedDisagreement
	more     [len(ratingKinds)]int
}

// orderedDisagreement is a disagreement with what puts it in order.
type orderedDisagreement struct {
	join  time.Time
	index int // the session's place in its meeting's join order
	Disagreement
}

func (o *orderedDisagreement) compare(p *orderedDisagreement) int {
	return cmp.Or(o.join.Compare(p.join), cmp.Compare(o.Meeting, p.Meeting), cmp.Compare(o.index, p.index),
		cmp.Compare(o.Participant, p.Participant))
}

// ratingIndex places a Zoom rating in ZoomRatings; unknown ones are none.
func ratingIndex(r string) int {
	switch strings.ToLower(strings.TrimSpace(r)) {
	case "good":
		return 0
	case "fair":
		return 1
	case "poor":
		return 2
	case "bad":
		return 3
	}
	return 4
}

// add counts a finished session: s its stored fields, ws its windows,
// present and degraded its per-stream sample counts.
func (t *agreementTally) add(meeting string, index int, s *store.Session, ws []Window, present, degraded *[store.NumStreams]int) {
	rated := false
	for k, kind := range ratingKinds {
		ri := ratingIndex(s.ZoomRating(kind.name))
		rated = rated || ri < 4
		var longest *Window
		for i := range ws {
			w := &ws[i]
			if st := w.Stream; st == kind.streams[0] || st == kind.streams[1] {
				if longest == nil || w.Samples > longest.Samples {
					longest = w
				}
			}
		}
		verdict := 2 // no data
		if present[kind.streams[0]]+present[kind.streams[1]] > 0 {
			verdict = 1
			if longest != nil {
				verdict = 0
			}
		}
		t.cells[k][ri][verdict]++
		good, bad := ri <= 1, ri == 2 || ri == 3
		if verdict == 2 || (good && verdict == 1) || (bad && verdict == 0) || !(good || bad) {
			continue
		}
		d := orderedDisagreement{join: s.JoinTime, index: index, Disagreement: Disagreement{Meeting: meeting,
			Participant: s.Participant, Session: SessionName(s.JoinTime), UserName: s.UserName, Zoom: ZoomRatings[ri]}}
		if verdict == 0 {
			d.Zoomqos = VerdictDegraded
			worst := make([]string, len(longest.Breached))
			for i, m := range longest.Breached {
				worst[i] = m.String() + " " + strconv.FormatFloat(longest.Worst[m], 'f', -1, 64)
			}
			d.Worst = longest.Stream.String() + ": " + strings.Join(worst, ", ")
		} else {
			d.Zoomqos = VerdictNotDegraded
			st := kind.streams[0]
			share := func(st store.Stream) float64 {
				if present[st] == 0 {
					return -1
				}
				return float64(degraded[st]) / float64(present[st])
			}
			if share(kind.streams[1]) > share(st) {
				st = kind.streams[1]
			}
			d.Worst = st.String() + ": " + strconv.FormatFloat(100*share(st), 'f', 1, 64) + "% of samples degraded, no window"
		}
		t.keep(k, d)
	}
	if rated {
		t.rated++
	}
}

// keep adds a disagreement, keeping only the first MaxDisagreements.
func (t *agreementTally) keep(k int, d orderedDisagreement) {
	list := t.disagree[k]
	i, _ := slices.BinarySearchFunc(list, &d, func(a orderedDisagreement, b *orderedDisagreement) int { return a.compare(b) })
	if i >= MaxDisagreements {
		t.more[k]++
		return
	}
	list = slices.Insert(list, i, d)
	if len(list) > MaxDisagreements {
		list = list[:MaxDisagreements]
		t.more[k]++
	}
	t.disagree[k] = list
}

// merge adds another worker's tally.
func (t *agreementTally) merge(o *agreementTally) {
	for k := range t.cells {
		for r := range t.cells[k] {
			for v := range t.cells[k][r] {
				t.cells[k][r][v] += o.cells[k][r][v]
			}
		}
		t.more[k] += o.more[k]
		for _, d := range o.disagree[k] {
			t.keep(k, d)
		}
	}
	t.rated += o.rated
}

// result gives the tally as a RatingAgreement.
func (t *agreementTally) result() RatingAgreement {
	out := RatingAgreement{Rule: AgreementRule, Rated: t.rated, Kinds: []KindAgreement{}}
	for k, kind := range ratingKinds {
		ka := KindAgreement{Kind: kind.name, Streams: []store.Stream{kind.streams[0], kind.streams[1]},
			Disagreements: []Disagreement{}, MoreDisagreements: t.more[k]}
		for r, name := range ZoomRatings {
			c := t.cells[k][r]
			ka.Rows = append(ka.Rows, AgreementRow{Rating: name, Degraded: c[0], NotDegraded: c[1], NoData: c[2]})
			if r < 4 {
				ka.Rated += c[0] + c[1] + c[2]
				ka.Compared += c[0] + c[1]
			}
			if r <= 1 {
				ka.Agree += c[1]
			} else if r < 4 {
				ka.Agree += c[0]
			}
		}
		if ka.Compared > 0 {
			rate := float64(ka.Agree) / float64(ka.Compared)
			ka.Rate = &rate
		}
		for _, d := range t.disagree[k] {
			ka.Disagreements = append(ka.Disagreements, d.Disagreement)
		}
		out.Kinds = append(out.Kinds, ka)
	}
	return out
}
