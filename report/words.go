package report

import (
	"cmp"

	"github.com/zoomqos/zoomqos/analyze"
)

// What a meeting is called wherever zoomqos names it: a webinar is a
// "Webinar", and people know a meeting by its number, not by the UUID of
// the instance zoomqos stores it under.

// meetingKind is "Webinar" for a webinar, else "Meeting".
func meetingKind(r *analyze.MeetingResult) string {
	if r.Webinar {
		return "Webinar"
	}
	return "Meeting"
}

// meetingNumber is the meeting's number when Zoom gave one, else the id
// it is stored under (a number, or an instance UUID when that is all
// there is).
func meetingNumber(r *analyze.MeetingResult) string {
	return DisplayText(cmp.Or(r.Number, r.Meeting), DisplayLimit)
}

// MeetingName is the kind and the number: "Meeting 85012345678".
func MeetingName(r *analyze.MeetingResult) string {
	return meetingKind(r) + " " + meetingNumber(r)
}

// instance is the instance UUID when the meeting is known by its number
// as well, else "": then the UUID is worth showing too, in small print.
func instance(r *analyze.MeetingResult) string {
	if r.Number == "" || r.Number == r.Meeting {
		return ""
	}
	return DisplayText(r.Meeting, DisplayLimit)
}
