package report

import (
	"strconv"
	"strings"

	"github.com/zoomqos/zoomqos/store"
)

// Redactor replaces what identifies people in a meeting's data with
// stable pseudonyms, for reports that travel: names, emails, Zoom's user
// and participant ids, IP and MAC addresses, disk ids, PC names, domains,
// customer keys, registrant ids, SIP addresses, phone numbers and the
// topic. The same person (Zoom's participant id) gets the same
// pseudonym in every session, and the same address the same pseudonym
// wherever it appears. Devices, locations, networks, client versions and
// data centers stay: they are what a quality report is about.
type Redactor struct {
	people map[string]int // participant id → person number
	values map[string]map[string]string
}

// NewRedactor returns a Redactor with no pseudonyms given yet.
func NewRedactor() *Redactor {
	return &Redactor{people: map[string]int{}, values: map[string]map[string]string{}}
}

// RedactedTopic is what a redacted meeting's topic reads.
const RedactedTopic = "(topic redacted)"

// Meeting redacts a meeting's topic.
func (r *Redactor) Meeting(m *store.Meeting) {
	if m.Topic != "" {
		m.Topic = RedactedTopic
	}
}

// Session redacts one session in place. Call it on every session of a
// meeting in the same order to get the same pseudonyms.
func (r *Redactor) Session(s *store.Session) {
	key := s.Participant
	if key == "" {
		key = "name:" + s.UserName
	}
	n, ok := r.people[key]
	if !ok {
		n = len(r.people) + 1
		r.people[key] = n
	}
	person := strconv.Itoa(n)
	s.Participant = r.pseudonym("id", s.Participant, "p"+person)
	s.ID = r.pseudonym("id", s.ID, "p"+person)
	s.UserID = r.pseudonym("user", s.UserID, "")
	s.ParticipantUUID = r.pseudonym("uuid", s.ParticipantUUID, "")
	realName := s.UserName
	if s.UserName != "" || s.Participant != "" {
		s.UserName = "Participant " + person
	}
	s.Email = r.pseudonym("email", s.Email, "participant-"+person+"@redacted.invalid")
	s.IPAddress = r.pseudonym("ip", s.IPAddress, "")
	for i, ip := range s.InternalIPAddresses {
		s.InternalIPAddresses[i] = r.pseudonym("ip", ip, "")
	}
	s.MACAddr = r.pseudonym("mac", s.MACAddr, "")
	s.HarddiskID = r.pseudonym("disk", s.HarddiskID, "")
	s.PCName = r.pseudonym("pc", s.PCName, "")
	s.Domain = r.pseudonym("domain", s.Domain, "")
	// The participants list's personal fields: the organisation's own key
	// for the person, Zoom's user and registrant ids, SIP addresses and
	// phone numbers. Microphones, speakers and cameras stay: they are
	// devices, not people.
	s.CustomerKey = r.pseudonym("customer", s.CustomerKey, "")
	// Zoom writes the name into the leave reason ("Ada Lovelace left the
	// meeting."): the reason stays, the name does not.
	if s.LeaveReason != "" && realName != "" {
		s.LeaveReason = strings.ReplaceAll(s.LeaveReason, realName, s.UserName)
	}
	s.ParticipantUserID = r.pseudonym("user", s.ParticipantUserID, "")
	s.RegistrantID = r.pseudonym("registrant", s.RegistrantID, "")
	s.SIPURI = r.pseudonym("sip", s.SIPURI, "")
	s.FromSIPURI = r.pseudonym("sip", s.FromSIPURI, "")
	if len(s.AudioCalls) > 0 {
		calls := make([]store.AudioCall, len(s.AudioCalls))
		for i, c := range s.AudioCalls {
			c.CallNumber = r.pseudonym("phone", c.CallNumber, "")
			calls[i] = c
		}
		s.AudioCalls = calls
	}
}

// pseudonym gives the value of a kind its pseudonym: the first given for
// it, else want, else kind-N in order of appearance. Empty stays empty.
func (r *Redactor) pseudonym(kind, v, want string) string {
	if v == "" {
		return ""
	}
	m := r.values[kind]
	if m == nil {
		m = map[string]string{}
		r.values[kind] = m
	}
	if p, ok := m[v]; ok {
		return p
	}
	p := want
	if p == "" {
		p = kind + "-" + strconv.Itoa(len(m)+1)
	}
	m[v] = p
	return p
}
