package failon

import "strings"

// The names of the headline figures, as Figures holds them.
const (
	Meetings     = "meetings"
	Participants = "participants"
	Sessions     = "sessions"
	SessionHours = "session_hours"
	Degraded     = "degraded"
	MOS          = "mos"
	Incidents    = "incidents"
	WorstMeeting = "worst_meeting"
)

// DeltaPrefix before a figure's name names its change against the previous
// period of the same length: this period's value minus that one's.
const DeltaPrefix = "delta_"

// Delta is the name of the change of the named figure, such as
// delta_degraded for Degraded.
func Delta(name string) string { return DeltaPrefix + name }

// Name is a figure an expression can test, with what it means, for help
// texts and the README.
type Name struct {
	Name    string // as expressions and Figures write it, lower case
	Meaning string // one line
	Share   bool   // a fraction from 0 to 1, shown in percent
}

var base = []Name{
	{Meetings, "meetings in the period", false},
	{Participants, "distinct participants in the period", false},
	{Sessions, "sessions (a participant's stays in a meeting) in the period", false},
	{SessionHours, "hours of session time in the period", false},
	{Degraded, "share of session time degraded", true},
	{MOS, "median MOS (missing when no session had one)", false},
	{Incidents, "meeting-wide incidents in the period", false},
	{WorstMeeting, "the worst meeting's degraded share", true},
}

var names = func() []Name {
	all := append([]Name(nil), base...)
	for _, n := range base {
		unit := ""
		if n.Share {
			unit = ", in points"
		}
		all = append(all, Name{
			Name:    Delta(n.Name),
			Meaning: "change of " + n.Name + " since the previous period of the same length" + unit + " (missing when that had no data)",
			Share:   n.Share,
		})
	}
	return all
}()

var byName = func() map[string]Name {
	m := make(map[string]Name, len(names))
	for _, n := range names {
		m[n.Name] = n
	}
	return m
}()

// Names lists the figures an expression can test: the headline figures,
// then the change of each with DeltaPrefix before its name.
func Names() []Name { return append([]Name(nil), names...) }

// lookup finds a name whatever its case.
func lookup(name string) (Name, bool) {
	n, ok := byName[strings.ToLower(name)]
	return n, ok
}

// knownList is the list an unknown name's error gives.
func knownList() string {
	var b strings.Builder
	for i, n := range base {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n.Name)
	}
	b.WriteString(", and each with " + DeltaPrefix + " before it, as " + Delta(Degraded))
	return b.String()
}
