package report

import (
	"fmt"
	"strings"
	"time"
)

// TimeLayout is a way zoomqos writes a time for people to read. Pages,
// e-mails and terminal tables write times in the zone the user chose
// (FormatIn), and name it (ZoneName); what scripts read (JSON, CSV, the
// exports) stays in UTC, as Zoom gives it.
type TimeLayout string

// The layouts of the times zoomqos shows. MST is the zone's abbreviation
// ("UTC", "CET", "EDT"), so that a time on either side of a change to or
// from summer time says which it is.
const (
	Clock        TimeLayout = "15:04"                    // a time of day: tables, axes, labels, a session's join
	ClockZone    TimeLayout = "15:04 MST"                // a time of day with its zone: a meeting's end beside its start
	ClockSeconds TimeLayout = "15:04:05"                 // to the second: a window's bounds, a session's join in a table
	DayClock     TimeLayout = "2006-01-02 15:04"         // a time on some day: a session's join in a fleet's table
	Stamp        TimeLayout = "2006-01-02 15:04 MST"     // a meeting's start, when a report was made
	MailStamp    TimeLayout = "Mon 2 Jan 2006 15:04 MST" // the same in an e-mail, as mail clients write dates
	MailDay      TimeLayout = "2 Jan"                    // a meeting's day in an e-mail's subject
	RFC3339      TimeLayout = time.RFC3339               // the list of meetings, which scripts read too
)

// Format writes t in UTC in the layout; the zero time, which zoomqos
// keeps for a time Zoom did not give, as "-".
func (l TimeLayout) Format(t time.Time) string { return l.FormatIn(t, time.UTC) }

// FormatIn writes t in the zone loc (UTC when nil) in the layout; the
// zero time as "-".
func (l TimeLayout) FormatIn(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(zoneOrUTC(loc)).Format(string(l))
}

// Within is the layout for times between from and to shown in loc: with
// the zone's abbreviation added when loc changes its offset in between (a
// meeting across the end of summer time), so that 01:50 EDT and 01:11 EST
// do not read as time running backwards. A zero from or to: the layout.
func (l TimeLayout) Within(loc *time.Location, from, to time.Time) TimeLayout {
	if strings.Contains(string(l), "MST") || from.IsZero() || to.IsZero() || len(ZoneSpans(zoneOrUTC(loc), from, to)) < 2 {
		return l
	}
	return l + " MST"
}

// In is the layout as a function of a time in loc, for templates.
func (l TimeLayout) In(loc *time.Location) func(time.Time) string {
	return func(t time.Time) string { return l.FormatIn(t, loc) }
}

func zoneOrUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// IsUTC reports whether loc shows times as UTC does (nil, UTC, or a
// zone called "UTC").
func IsUTC(loc *time.Location) bool {
	return loc == nil || loc == time.UTC || loc.String() == "UTC"
}

// ZoneSpan is a stretch of time over which a zone keeps one offset from
// UTC: from Start (the zero time: from ever) until the next span's.
type ZoneSpan struct {
	Start  time.Time
	Abbr   string // "CET", "EDT"; what Go's zone data calls it, such as "+0530" for some
	Offset int    // seconds east of UTC
}

// ZoneSpans are the offsets loc has from from to to: one span, or more
// when the zone changes to or from summer time in between. The first
// span's Start is from.
func ZoneSpans(loc *time.Location, from, to time.Time) []ZoneSpan {
	loc = zoneOrUTC(loc)
	t := from.In(loc)
	abbr, off := t.Zone()
	spans := []ZoneSpan{{Start: from, Abbr: abbr, Offset: off}}
	for len(spans) < 1000 {
		_, end := t.ZoneBounds()
		if end.IsZero() || end.After(to) {
			break
		}
		t = end
		abbr, off := t.Zone()
		if last := spans[len(spans)-1]; abbr == last.Abbr && off == last.Offset {
			continue // a change of the zone's rules that changes nothing shown
		}
		spans = append(spans, ZoneSpan{Start: end, Abbr: abbr, Offset: off})
	}
	return spans
}

// UTCOffset writes an offset in seconds east of UTC as "UTC+01:00",
// "UTC-05:00", "UTC+05:30".
func UTCOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, seconds/3600, seconds/60%60)
}

// ZoneLabel is the zone's name: "UTC", "Europe/Berlin"; "local time"
// for the machine's zone when its name is not known.
func ZoneLabel(loc *time.Location) string {
	switch name := zoneOrUTC(loc).String(); name {
	case "Local":
		return "local time"
	default:
		return name
	}
}

// ZoneName names the zone times between from and to are shown in, for a
// line that says so once: "UTC"; "Europe/Berlin (CET, UTC+01:00)"; when
// the zone changes between them, each offset and when it starts:
// "America/New_York (EST, UTC-05:00; EDT, UTC-04:00 from 03:00 on 8 Mar)".
func ZoneName(loc *time.Location, from, to time.Time) string {
	loc = zoneOrUTC(loc)
	if IsUTC(loc) {
		return "UTC"
	}
	if from.IsZero() {
		from = to
	}
	if to.Before(from) {
		to = from
	}
	var parts []string
	for i, s := range ZoneSpans(loc, from, to) {
		p := s.Abbr + ", " + UTCOffset(s.Offset)
		if strings.HasPrefix(s.Abbr, "+") || strings.HasPrefix(s.Abbr, "-") {
			p = UTCOffset(s.Offset) // the abbreviation is only the offset again
		}
		if i > 0 {
			p += " from " + s.Start.In(loc).Format("15:04 on 2 Jan")
		}
		parts = append(parts, p)
	}
	return ZoneLabel(loc) + " (" + strings.Join(parts, "; ") + ")"
}
