package report

import (
	"cmp"
	"fmt"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
)

// The words a fleet report and a digest share: the period's name, a
// meeting's and a person's lines, where the degraded time concentrates.

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
// (+3.7 pts on the fleet)". "" when no group fares worse than the fleet.
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
		GroupByName(ru.By), DisplayText(g.Group, 60), Pct(g.Explains), Pct(g.Degraded), PointsChange(g.Difference, true).Text)
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
