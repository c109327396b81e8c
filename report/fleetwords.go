package report

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
)

// The words a fleet report and a digest share: the headline figures with
// their change, the period's name, a meeting's and a person's lines.

// Figure is a headline figure of a period, with the previous period's.
type Figure struct {
	Name     string // "Meetings", "Degraded session time", ...
	Value    string
	Previous string // "" without a previous period
	Change   string // "+3", "-2.1 points", "+0.12"; "" without a previous period
	// Verdict is +1 when the change is for the better, -1 for the worse,
	// 0 when it is neither (counts) or there is none.
	Verdict int
}

// Figures are a period's headline figures.
func Figures(r *analyze.PeriodResult) []Figure {
	h, p := &r.Headline, r.Previous
	count := func(name string, v int, prev func(*analyze.Headline) int) Figure {
		f := Figure{Name: name, Value: strconv.Itoa(v)}
		if p != nil {
			f.Previous = strconv.Itoa(prev(p))
			f.Change = signed(float64(v - prev(p)))
		}
		return f
	}
	out := []Figure{
		count("Meetings", h.Meetings, func(h *analyze.Headline) int { return h.Meetings }),
		count("Participants", h.Participants, func(h *analyze.Headline) int { return h.Participants }),
	}
	hours := Figure{Name: "Session-hours", Value: Num(h.SessionHours)}
	if p != nil {
		hours.Previous, hours.Change = Num(p.SessionHours), signed(h.SessionHours-p.SessionHours)
	}
	deg := Figure{Name: "Session time degraded", Value: "–"}
	if h.Samples > 0 {
		deg.Value = Pct(h.Degraded)
		if p != nil && p.Samples > 0 {
			d := h.Degraded - p.Degraded
			deg.Previous, deg.Change, deg.Verdict = Pct(p.Degraded), signedPoints(d), -sign(d, 0.0005)
		}
	}
	mos := Figure{Name: "Median MOS", Value: "–"}
	if h.MOS != nil {
		mos.Value = Num(*h.MOS)
		if p != nil && p.MOS != nil {
			d := *h.MOS - *p.MOS
			mos.Previous, mos.Change, mos.Verdict = Num(*p.MOS), signed(d), sign(d, 0.005)
		}
	}
	return append(out, hours, deg, mos)
}

// signed writes a change with its sign: "+3", "-0.12", "±0".
func signed(d float64) string {
	s := Num(math.Abs(d))
	switch {
	case s == "0":
		return "±0"
	case d < 0:
		return "-" + s
	}
	return "+" + s
}

// signedPoints writes a change of shares in percentage points, one
// decimal: "+2.1 points".
func signedPoints(d float64) string {
	s := strconv.FormatFloat(math.Abs(100*d), 'f', 1, 64)
	switch {
	case s == "0.0":
		return "±0 points"
	case d < 0:
		return "-" + s + " points"
	}
	return "+" + s + " points"
}

// sign is +1, -1, or 0 within eps of zero.
func sign(d, eps float64) int {
	switch {
	case d > eps:
		return 1
	case d < -eps:
		return -1
	}
	return 0
}

// PeriodName names a period by its days in zone: "20 Nov 2026", "1 – 30
// Nov 2026", "28 Nov – 3 Dec 2026".
func PeriodName(r *analyze.PeriodResult, zone *time.Location) string {
	zone = cmp.Or(zone, time.UTC)
	from, last := r.From.In(zone), r.To.In(zone).Add(-time.Nanosecond)
	switch {
	case from.YearDay() == last.YearDay() && from.Year() == last.Year():
		return from.Format("2 Jan 2006")
	case from.Year() != last.Year():
		return from.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
	case from.Month() != last.Month():
		return from.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
	}
	return from.Format("2") + " – " + last.Format("2 Jan 2006")
}

// RowName is a meeting of a period as the lists show it: "Meeting
// 85012345678 · Weekly sync".
func RowName(m *analyze.MeetingRow) string {
	kind := "Meeting"
	if m.Webinar {
		kind = "Webinar"
	}
	s := kind + " " + DisplayText(cmp.Or(m.Number, m.Meeting), DisplayLimit)
	if m.Topic != "" {
		s += " · " + DisplayText(m.Topic, 80)
	}
	return s
}

// DegradedIn says how often a person was degraded: "degraded in 5 of 6
// meetings".
func DegradedIn(p *analyze.Person) string {
	noun := "meetings"
	if p.Meetings == 1 {
		noun = "meeting"
	}
	return fmt.Sprintf("degraded in %d of %d %s", p.DegradedMeetings, p.Meetings, noun)
}

// PersonName is a person's name, else their key.
func PersonName(p *analyze.Person) string {
	return DisplayText(cmp.Or(p.Name, p.Key), DisplayLimit)
}

// Explanation says where in a roll-up the fleet's degraded time
// concentrates: the known group with the most degraded time beyond the
// fleet's share (analyze.WhereGroup.Excess), in a sentence: "Network type
// Wifi: 62.0% of the degraded time, 12.1% of its session time degraded
// (+3.7 points on the fleet)". "" when no group fares worse than the fleet.
func Explanation(ru *analyze.Rollup) string {
	var g *analyze.WhereGroup
	for i := range ru.Groups {
		c := &ru.Groups[i]
		if c.Group == analyze.Unknown || c.Group == analyze.Other || c.Excess < 0.5 {
			continue
		}
		if g == nil || c.Excess > g.Excess {
			g = c
		}
	}
	if g == nil {
		return ""
	}
	return fmt.Sprintf("%s %s: %s of the degraded time, %s of its session time degraded (%s on the fleet)",
		GroupByName(ru.By), DisplayText(g.Group, 60), Pct(g.Explains), Pct(g.Degraded), signedPoints(g.Difference))
}

// GroupByName names a property as the reports do: "Network type".
func GroupByName(by analyze.GroupBy) string {
	switch by {
	case analyze.ByNetwork:
		return "Network type"
	case analyze.ByDataCenter:
		return "Data center"
	case analyze.ByLocation:
		return "Location"
	case analyze.ByDevice:
		return "Device"
	case analyze.ByVersion:
		return "Client version"
	case analyze.ByConnection:
		return "Connection type"
	case analyze.ByUser:
		return "Person"
	}
	return string(by)
}
