package collect

import (
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// What a collection is asked to do: its mode, its target, its plan.

// Mode is what a collection does.
type Mode int

const (
	// ModeMeeting: every participant of one meeting, through the list
	// endpoint, page after page.
	ModeMeeting Mode = iota
	// ModeParticipant: one participant through the single-participant
	// endpoint.
	ModeParticipant
	// ModePast: discover the past meetings in a date range and collect each.
	ModePast
	// ModeLive: collect live meetings (one, or all running), once or until
	// they end.
	ModeLive
)

// Target is a meeting or webinar: a number (its latest instance) or an
// instance UUID.
type Target struct {
	ID      string
	Webinar bool
	Topic   string // from discovery or the meeting's details
	Number  string // from discovery or the meeting's details, when ID is a UUID
	PastOne bool   // discovered with type=pastOne: a meeting of one participant

	// details is the meeting's entry in the discovery list, as Zoom sent
	// it: stored as the meeting's details document.
	details []byte
	// listSource names the list the entry came from.
	listSource string
	// end is the entry's end_time; zero when it has none.
	end time.Time
}

func (t Target) kind() string {
	if t.Webinar {
		return "webinars"
	}
	return "meetings"
}

func (t Target) what() string {
	if t.Webinar {
		return "webinar"
	}
	return "meeting"
}

// Plan says what to collect.
type Plan struct {
	Mode        Mode
	Target      Target    // ModeMeeting, ModeParticipant; ModeLive: empty for every live meeting
	Type        string    // store.Past or store.Live, for ModeMeeting and ModeParticipant
	Participant string    // ModeParticipant: a user_id or participant id
	From, To    time.Time // ModePast: the dates, both included
	Webinars    bool      // ModePast, and ModeLive without a target: discover webinars, not meetings
	PastOne     bool      // ModePast: also discover meetings of one participant (Zoom's type=pastOne)
	Refresh     bool      // ModePast: collect meetings already collected in full, too
	Watch       bool      // ModeLive: poll until the meetings end
	Interval    time.Duration
	Concurrency int // meetings collected at once, within the rate limit (default 4)
	// EndedSince, for ModePast when set: only the meetings that ended at
	// or after it, by their discovery entry's end_time (an entry without
	// one is kept). What push delivery missed while it was down ended
	// during the gap; the rest of the day came by push.
	EndedSince time.Time
}

// meeting is the store's meeting of a target collected with type typ.
func (t Target) meeting(typ string) store.Meeting {
	if typ != store.Live {
		typ = store.Past
	}
	return store.Meeting{ID: t.ID, Type: typ, Webinar: t.Webinar, Topic: t.Topic, Number: t.Number}
}
