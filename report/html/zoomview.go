package html

import (
	"strconv"
	"strings"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

// What the page shows of Zoom's own view of each session (its ratings, the
// participant fields the QoS samples do not carry, and its own summary of
// the session's QoS beside zoomqos's percentiles), and of how Zoom's
// ratings compare with zoomqos's verdicts (the terminal's and the e-mail's
// words for that are report's: report.AgreementLine and the tables).

// zoomRating is one of Zoom's ratings of a session, as a small label.
type zoomRating struct {
	Kind   string // audio, video, share
	Rating string // as Zoom gave it
	Class  string // zr-good, zr-fair, zr-bad or zr-other: the label's colour
}

// zoomFact is a field of a session Zoom reported, by name.
type zoomFact struct {
	Name, Value string
}

// ratingClass gives a rating's colour: good green, fair amber, poor and
// bad red.
func ratingClass(r string) string {
	switch strings.ToLower(strings.TrimSpace(r)) {
	case "good":
		return "zr-good"
	case "fair":
		return "zr-fair"
	case "poor", "bad":
		return "zr-bad"
	}
	return "zr-other"
}

// zoomRatings are a session's ratings, those Zoom gave.
func zoomRatings(s *store.Session) []zoomRating {
	var out []zoomRating
	for _, k := range []struct{ kind, label string }{{"audio", "audio"}, {"video", "video"}, {"screen_share", "share"}} {
		if r := s.ZoomRating(k.kind); r != "" {
			out = append(out, zoomRating{Kind: k.label, Rating: r, Class: ratingClass(r)})
		}
	}
	return out
}

// zoomFacts are a session's fields from Zoom the page's other columns do
// not show, those Zoom gave, in the order a person reads them: how it
// connected, how healthy Zoom thought it, why it broke, who and with what.
// A redacted session's personal fields are pseudonyms already.
func zoomFacts(s *store.Session) []zoomFact {
	var out []zoomFact
	add := func(name, v string) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, zoomFact{name, v})
		}
	}
	add("connection", s.ConnectionType)
	if s.FullDataCenter != s.DataCenter {
		add("data center", s.FullDataCenter)
	}
	add("health", s.Health)
	add("issues", strings.Join(s.IssueList, ", "))
	add("reconnect reason", s.RCReason)
	if b := s.SocketBreaks; b != nil {
		add("socket breaks", strconv.Itoa(b.Total())+" (audio "+strconv.Itoa(b.Audio)+", video "+strconv.Itoa(b.Video)+
			", share "+strconv.Itoa(b.Share)+", command "+strconv.Itoa(b.Command)+")")
	}
	add("left", s.LeaveReason)
	add("role", s.Role)
	add("microphone", s.Microphone)
	add("speaker", s.Speaker)
	add("camera", s.Camera)
	add("customer key", s.CustomerKey)
	return out
}

// agreementView is the page's table of Zoom's ratings against zoomqos.
type agreementView struct {
	Rated         bool
	Note          string // when nothing was rated
	Rule          string
	Kinds         []agreementKind
	Unrated       string // the kinds Zoom rated no session of
	Disagreements []kindDisagreement
	More          int
}

type agreementKind struct {
	analyze.KindAgreement
	Agree string
}

func newAgreementView(a *analyze.RatingAgreement) agreementView {
	v := agreementView{Rated: a.Rated > 0, Note: report.NoZoomRatings, Rule: a.Rule}
	var unrated []string
	for _, k := range a.Kinds {
		if k.Rated == 0 {
			unrated = append(unrated, k.Kind)
			continue
		}
		v.Kinds = append(v.Kinds, agreementKind{k, report.AgreementRate(k)})
		for _, d := range k.Disagreements {
			v.Disagreements = append(v.Disagreements, kindDisagreement{Kind: k.Kind, Disagreement: d})
		}
		v.More += k.MoreDisagreements
	}
	v.Unrated = strings.Join(unrated, " or ")
	return v
}

// kindDisagreement is a disagreement with the kind it is about, and the
// session's label as the page's other tables name it.
type kindDisagreement struct {
	Kind  string
	Label report.SessionLabel
	analyze.Disagreement
}

// zoomSummary is Zoom's own summary of a session (the
// participant_qos_summary event) beside zoomqos's percentiles over the
// same session: a table per stream.
type zoomSummary struct {
	ID     string // the element's id, which the session's row links to
	Label  report.SessionLabel
	Join   time.Time
	Sent   time.Time // when Zoom sent it
	Tables []summaryTable
}

type summaryTable struct {
	Stream string
	Rows   []summaryRow
}

// summaryRow is one metric: Zoom's minimum, average and maximum, and
// zoomqos's p50, p95 and maximum, as the page writes figures ("–" for
// one not given, or a metric of which zoomqos has no value).
type summaryRow struct {
	Metric           string
	Min, Avg, Max    string
	P50, P95, OurMax string
	Zoomqos          bool // zoomqos has values of the metric
}

// zoomSummaryOf sets a session's summary from Zoom beside zoomqos's
// figures, its streams and metrics in zoomqos's order; nil when Zoom
// sent none. Its values are in the units zoomqos stores (the metric's
// name says which: kbps, ms, %, fps).
func zoomSummaryOf(id string, row report.SessionRow) *zoomSummary {
	z := row.S.ZoomSummary
	if z == nil || len(z.Stats) == 0 {
		return nil
	}
	out := &zoomSummary{ID: id, Label: row.Label, Join: row.Join, Sent: z.Time}
	fig := func(v *float64) string {
		if v == nil {
			return "–"
		}
		return report.Num(*v)
	}
	for _, st := range store.Streams() {
		t := summaryTable{Stream: st.String()}
		for _, m := range store.Metrics() {
			zs, ok := z.Stat(st, m)
			if !ok {
				continue
			}
			r := summaryRow{Metric: m.String(), Min: fig(zs.Min), Avg: fig(zs.Avg), Max: fig(zs.Max), P50: "–", P95: "–", OurMax: "–"}
			if row.R != nil {
				if s, ok := row.R.Streams[st][m]; ok {
					r.P50, r.P95, r.OurMax, r.Zoomqos = report.Num(s.P50), report.Num(s.P95), report.Num(s.Max), true
				}
			}
			t.Rows = append(t.Rows, r)
		}
		if len(t.Rows) > 0 {
			out.Tables = append(out.Tables, t)
		}
	}
	return out
}
