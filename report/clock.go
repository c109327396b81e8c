package report

import "time"

// TimeLayout is a way zoomqos writes a time for people to read. Every time
// is written in UTC, the zone every table, page and e-mail names: a
// meeting's people are in many zones, and its samples carry Zoom's UTC.
type TimeLayout string

// The layouts of the times zoomqos shows.
const (
	Clock        TimeLayout = "15:04"                    // a time of day: tables, axes, labels, a session's join
	ClockSeconds TimeLayout = "15:04:05"                 // to the second: a window's bounds, a session's join in a table
	DayClock     TimeLayout = "2006-01-02 15:04"         // a time on some day: a session's join in a fleet's table
	Stamp        TimeLayout = "2006-01-02 15:04 UTC"     // a meeting's start, when a report was made
	MailStamp    TimeLayout = "Mon 2 Jan 2006 15:04 UTC" // the same in an e-mail, as mail clients write dates
	MailDay      TimeLayout = "2 Jan"                    // a meeting's day in an e-mail's subject
	RFC3339      TimeLayout = time.RFC3339               // the list of meetings, which scripts read too
)

// Format writes t in UTC in the layout; the zero time, which zoomqos
// keeps for a time Zoom did not give, as "-".
func (l TimeLayout) Format(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(string(l))
}
