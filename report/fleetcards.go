package report

import (
	"math"
	"strconv"

	"github.com/zoomqos/zoomqos/analyze"
)

// The fleet report's headline: the period's figures, each against the
// period of the same length before it.

// Card is a headline figure of a period, with its change since the
// period before.
type Card struct {
	Title  string
	Value  string
	Note   string
	Change Change
}

// Change is how a figure moved: up or down and by how much, and whether
// that is better or worse.
type Change struct {
	Arrow string // "▲", "▼", or "" when it did not move
	Text  string // "+12 (+8.5%)", "+1.2 pts", "−0.12", "no earlier data"
	// Class colours it: "worse", "better", "same"; "neutral" where up is
	// neither (counts); "none" where there is nothing to compare with.
	Class string
}

// minus is the minus sign changes are written with.
const minus = "−"

var noEarlier = Change{Text: "no earlier data", Class: "none"}

// HeadlineCards are a period's headline figures against the previous
// period's (nil: none), as the fleet page and the digest show them.
func HeadlineCards(h analyze.Headline, prev *analyze.Headline) []Card {
	cards := []Card{
		{Title: "Meetings", Value: Grouped(float64(h.Meetings)), Note: "started in the period"},
		{Title: "Participants", Value: Grouped(float64(h.Participants)), Note: "distinct people, in " + Grouped(float64(h.Sessions)) + " sessions"},
		{Title: "Session-hours", Value: Grouped(h.SessionHours), Note: "the time of every session added up"},
		{Title: "Session time degraded", Value: Pct(h.Degraded), Note: "of all session minutes breached a threshold on some stream"},
		{Title: "Median MOS", Value: MOSText(h.MOS), Note: "the median over sessions of each one's median MOS"},
	}
	if prev == nil {
		for i := range cards {
			cards[i].Change = noEarlier
		}
		return cards
	}
	cards[0].Change = countChange(float64(h.Meetings), float64(prev.Meetings))
	cards[1].Change = countChange(float64(h.Participants), float64(prev.Participants))
	cards[2].Change = countChange(h.SessionHours, prev.SessionHours)
	cards[3].Change = noEarlier
	if prev.Samples > 0 {
		cards[3].Change = PointsChange(h.Degraded-prev.Degraded, true)
		if cards[3].Change.Class != "same" {
			cards[3].Change.Text += " (from " + Pct(prev.Degraded) + ")"
		}
	}
	cards[4].Change = Change{Text: "no earlier MOS", Class: "none"}
	if h.MOS != nil && prev.MOS != nil {
		cards[4].Change = mosChange(*h.MOS - *prev.MOS)
	}
	return cards
}

// countChange is a count's change, by how many and by what part of the
// earlier count: neither better nor worse.
func countChange(now, before float64) Change {
	d := now - before
	if math.Abs(d) < 0.05 {
		return Change{Text: "no change", Class: "same"}
	}
	c := Change{Arrow: arrow(d), Text: signed(d, Grouped(math.Abs(d))), Class: "neutral"}
	if before > 0 {
		p := 100 * d / before
		c.Text += " (" + signed(p, strconv.FormatFloat(math.Abs(p), 'f', 1, 64)) + "%)"
	}
	return c
}

// PointsChange is a Change of a share in percentage points; a rise is
// worse when upIsWorse.
func PointsChange(d float64, upIsWorse bool) Change {
	pts := math.Round(1000*d) / 10
	if pts == 0 {
		return Change{Text: "±0.0 pts", Class: "same"}
	}
	c := Change{Arrow: arrow(pts), Text: signed(pts, strconv.FormatFloat(math.Abs(pts), 'f', 1, 64)) + " pts"}
	c.Class = verdict(pts > 0 == upIsWorse)
	return c
}

// mosChange is a Change of MOS: a fall is worse.
func mosChange(d float64) Change {
	d = math.Round(100*d) / 100
	if d == 0 {
		return Change{Text: "±0.00", Class: "same"}
	}
	return Change{Arrow: arrow(d), Text: signed(d, strconv.FormatFloat(math.Abs(d), 'f', 2, 64)), Class: verdict(d < 0)}
}

func verdict(worse bool) string {
	if worse {
		return "worse"
	}
	return "better"
}

func arrow(d float64) string {
	if d > 0 {
		return "▲"
	}
	return "▼"
}

// signed puts d's sign before abs, d's magnitude written.
func signed(d float64, abs string) string {
	if d < 0 {
		return minus + abs
	}
	return "+" + abs
}

// Grouped writes a number of at least 1,000 whole, its thousands apart
// ("16,667"); a smaller one as report.Num does.
func Grouped(v float64) string {
	if math.Abs(v) < 1000 {
		return Num(v)
	}
	s := strconv.FormatFloat(math.Round(math.Abs(v)), 'f', 0, 64)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if v < 0 {
		return "-" + string(out)
	}
	return string(out)
}

// MOSText writes a MOS with two decimals; "–" for none.
func MOSText(m *float64) string {
	if m == nil {
		return "–"
	}
	return strconv.FormatFloat(*m, 'f', 2, 64)
}
