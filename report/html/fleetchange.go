package html

import (
	"math"
	"strconv"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
)

// The fleet report's headline: the period's figures, each against the
// period of the same length before it.

// fleetCard is a headline figure.
type fleetCard struct {
	Title  string
	Value  string
	Note   string
	Change change
}

// change is how a figure moved: up or down and by how much, and whether
// that is better or worse.
type change struct {
	Arrow string // "▲", "▼", or "" when it did not move
	Text  string // "+12 (+8.5%)", "+1.2 pts", "−0.12", "no earlier data"
	// Class colours it: "worse", "better", "same"; "neutral" where up is
	// neither (counts); "none" where there is nothing to compare with.
	Class string
}

// minus is the minus sign changes are written with.
const minus = "−"

var noEarlier = change{Text: "no earlier data", Class: "none"}

func headlineCards(h analyze.Headline, prev *analyze.Headline) []fleetCard {
	cards := []fleetCard{
		{Title: "Meetings", Value: grouped(float64(h.Meetings)), Note: "started in the period"},
		{Title: "Participants", Value: grouped(float64(h.Participants)), Note: "distinct people, in " + grouped(float64(h.Sessions)) + " sessions"},
		{Title: "Session-hours", Value: grouped(h.SessionHours), Note: "the time of every session added up"},
		{Title: "Session time degraded", Value: report.Pct(h.Degraded), Note: "of all session minutes breached a threshold on some stream"},
		{Title: "Median MOS", Value: mosText(h.MOS), Note: "the median over sessions of each one's median MOS"},
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
		cards[3].Change = pointsChange(h.Degraded-prev.Degraded, true)
		if cards[3].Change.Class != "same" {
			cards[3].Change.Text += " (from " + report.Pct(prev.Degraded) + ")"
		}
	}
	cards[4].Change = change{Text: "no earlier MOS", Class: "none"}
	if h.MOS != nil && prev.MOS != nil {
		cards[4].Change = mosChange(*h.MOS - *prev.MOS)
	}
	return cards
}

// countChange is a count's change, by how many and by what part of the
// earlier count: neither better nor worse.
func countChange(now, before float64) change {
	d := now - before
	if math.Abs(d) < 0.05 {
		return change{Text: "no change", Class: "same"}
	}
	c := change{Arrow: arrow(d), Text: signed(d, grouped(math.Abs(d))), Class: "neutral"}
	if before > 0 {
		p := 100 * d / before
		c.Text += " (" + signed(p, strconv.FormatFloat(math.Abs(p), 'f', 1, 64)) + "%)"
	}
	return c
}

// pointsChange is a change of a share in percentage points; a rise is
// worse when upIsWorse.
func pointsChange(d float64, upIsWorse bool) change {
	pts := math.Round(1000*d) / 10
	if pts == 0 {
		return change{Text: "±0.0 pts", Class: "same"}
	}
	c := change{Arrow: arrow(pts), Text: signed(pts, strconv.FormatFloat(math.Abs(pts), 'f', 1, 64)) + " pts"}
	c.Class = verdict(pts > 0 == upIsWorse)
	return c
}

// mosChange is a change of MOS: a fall is worse.
func mosChange(d float64) change {
	d = math.Round(100*d) / 100
	if d == 0 {
		return change{Text: "±0.00", Class: "same"}
	}
	return change{Arrow: arrow(d), Text: signed(d, strconv.FormatFloat(math.Abs(d), 'f', 2, 64)), Class: verdict(d < 0)}
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

// grouped writes a number of at least 1,000 whole, its thousands apart
// ("16,667"); a smaller one as report.Num does.
func grouped(v float64) string {
	if math.Abs(v) < 1000 {
		return report.Num(v)
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
