package report

import (
	"cmp"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/store"
)

// Meeting is what a meeting's page (report/html) and e-mail summary
// (report/email) are drawn from.
type Meeting struct {
	Result   *analyze.MeetingResult
	Timeline *analyze.Timeline
	// Sessions are the stored sessions, for the participant details;
	// redacted already when the report is.
	Sessions  []store.Session
	Generated time.Time
	Redacted  bool
	Version   string // zoomqos's
}

// View is what the page and the e-mail both show of a meeting: the facts
// of its header, the degraded shares, the MOS buckets, every session
// named and ordered worst first, and the degradation windows; and what
// their charts are drawn from, each session of the timeline with its
// analysis and its label.
type View struct {
	R         *analyze.MeetingResult
	Timeline  *analyze.Timeline
	Kind      string // "Meeting" or "Webinar"
	Number    string // the meeting number, else the id it is stored under
	Instance  string // the instance UUID, when Number is the meeting number
	Generated time.Time
	Redacted  bool
	Version   string // zoomqos's
	Threshold string // the thresholds in words (as the terminal table says them)
	// Location is the zone the page and the e-mail show times in (nil:
	// UTC); Zone names it, with its offsets over the meeting (ZoneName).
	Location *time.Location
	Zone     string

	StreamShares []StreamShare // the media streams' and CPU's degraded shares
	MOS          []MOSRow      // the sessions' MOS buckets, audio in and out
	// MOSNote says why good MOS and degraded sessions can both be true;
	// empty when no session was degraded.
	MOSNote  string
	Sessions []SessionRow // every session of the timeline, worst first
	Windows  []WindowRow  // the degradation windows, each with its session's label
	// Alerts are Zoom's alerts on the meeting, in time order, each with
	// what zoomqos saw then; none, and the page and the e-mail leave
	// their section out.
	Alerts []AlertRow

	// By timeline session, in Timeline.Sessions' order: its analysis (nil
	// when the analysis left it out) and its label.
	Results []*analyze.SessionResult
	Labels  []SessionLabel
	// Order is the timeline's sessions, worst first.
	Order []int

	labels map[string]SessionLabel // of the analysed sessions, by participant and session
}

// StreamShare is a stream's degraded share, with the length of its bar.
type StreamShare struct {
	Stream string
	analyze.Share
	Bar float64 // the share relative to the largest, for the bar's length
}

// MOSRow is how the sessions' MOS fell out on an audio stream.
type MOSRow struct {
	Stream store.Stream
	Shares []MOSShare
}

// MOSShare is the share of sessions of one MOS quality.
type MOSShare struct {
	Quality analyze.Quality
	Share   float64
}

// SessionRow is a session as the page and the e-mail list it.
type SessionRow struct {
	Label   SessionLabel
	R       *analyze.SessionResult // nil when the analysis left the session out
	S       *store.Session         // the stored session (only the participant, when none is)
	Join    time.Time
	Leave   time.Time
	MOS     string // the median MOS, "–" when none
	AudioIn string // its audio input's MOS quality, "–" when none
}

// WindowRow is a degradation window as the page and the e-mail list it.
type WindowRow struct {
	analyze.Window
	Label         SessionLabel
	Streams       string // the window's stream; in the e-mail's grouped rows, each of its row's
	Length, Worst string
}

// SessionLabel names a session in legends, axes and tables.
type SessionLabel struct {
	Name   string // the user name, else the participant id, as DisplayText shows it
	Suffix string // what tells apart sessions of one name: " · 14:05", " #2"
}

func (l SessionLabel) String() string { return l.Name + l.Suffix }

// MainStream says whether a stream is one the headline, the first
// tables and the e-mail show: the media legs and CPU, not the device legs
// that echo them.
func MainStream(st store.Stream) bool { return st <= store.ASOutput || st == store.CPUUsage }

// NewView builds what the page and the e-mail show of a meeting, its
// times in loc (nil: UTC).
func NewView(m *Meeting, loc *time.Location) *View {
	r, tl := m.Result, m.Timeline
	loc = zoneOrUTC(loc)
	v := &View{R: r, Timeline: tl, Kind: meetingKind(r), Number: meetingNumber(r), Instance: instance(r),
		Generated: m.Generated.In(loc), Redacted: m.Redacted, Version: m.Version, Threshold: ThresholdLine(r.Thresholds),
		Location: loc}
	from, to := deref(r.Start), deref(r.End)
	if from.IsZero() || to.IsZero() { // no samples: the offset the report was made at
		from, to = m.Generated, m.Generated
	}
	v.Zone = ZoneName(loc, from, to)
	v.Alerts = AlertRows(r, loc)
	key := func(participant string, join time.Time) string {
		return participant + "\x00" + analyze.SessionName(join)
	}
	byKey := map[string]*analyze.SessionResult{}
	for i := range r.SessionResults {
		s := &r.SessionResults[i]
		byKey[s.Participant+"\x00"+s.Session] = s
	}
	stored := map[string]*store.Session{}
	for i := range m.Sessions {
		s := &m.Sessions[i]
		stored[key(s.Participant, s.JoinTime)] = s
	}
	n := len(tl.Sessions)
	sessions := make([]*store.Session, n)
	v.Results = make([]*analyze.SessionResult, n)
	for i := range tl.Sessions {
		ts := &tl.Sessions[i]
		k := key(ts.Participant, ts.JoinTime)
		v.Results[i], sessions[i] = byKey[k], stored[k]
	}
	v.Labels = sessionLabels(tl, sessions, loc)
	v.Order = make([]int, n)
	for i := range v.Order {
		v.Order[i] = i
	}
	sort.SliceStable(v.Order, func(x, y int) bool {
		return worse(v.Results[v.Order[x]], v.Results[v.Order[y]])
	})

	top := 0.0
	for _, st := range store.Streams() {
		if sh, ok := r.Degraded[st]; ok && MainStream(st) {
			v.StreamShares = append(v.StreamShares, StreamShare{Stream: st.String(), Share: sh})
			top = max(top, sh.Share)
		}
	}
	for i := range v.StreamShares {
		if top > 0 {
			v.StreamShares[i].Bar = v.StreamShares[i].Share.Share / top
		}
	}
	v.MOSNote = mosNote(r)
	for _, st := range []store.Stream{store.AudioInput, store.AudioOutput} {
		row := MOSRow{Stream: st}
		for _, q := range analyze.Qualities {
			row.Shares = append(row.Shares, MOSShare{q, r.MOSQuality[st][q]})
		}
		v.MOS = append(v.MOS, row)
	}
	v.labels = map[string]SessionLabel{}
	for _, i := range v.Order {
		row := SessionRow{Label: v.Labels[i], R: v.Results[i], S: sessions[i], MOS: "–", AudioIn: "–"}
		if row.S == nil {
			row.S = &store.Session{Participant: tl.Sessions[i].Participant}
		}
		row.Join, row.Leave = row.S.JoinTime, row.S.LeaveTime
		if row.R != nil {
			if row.R.MOS != nil {
				row.MOS = Num(row.R.MOS.P50)
			}
			row.AudioIn = string(row.R.MOSQuality[store.AudioInput])
			v.labels[row.R.Participant+"\x00"+row.R.Session] = row.Label
		}
		v.Sessions = append(v.Sessions, row)
	}
	for _, w := range r.Windows {
		var worst []string
		for _, m := range w.Breached {
			worst = append(worst, m.String()+" "+Num(w.Worst[m]))
		}
		v.Windows = append(v.Windows, WindowRow{Window: w, Label: v.LabelOf(w.Participant, w.Session, w.UserName), Streams: w.Stream.String(),
			Length: (time.Duration(w.DurationS) * time.Second).String(), Worst: strings.Join(worst, ", ")})
	}
	return v
}

// LabelOf is the label of an analysed session, by its participant and
// session name, as the page's and the e-mail's other tables name it; a
// session the view does not know is named by its user name or
// participant.
func (v *View) LabelOf(participant, session, userName string) SessionLabel {
	if l, ok := v.labels[participant+"\x00"+session]; ok {
		return l
	}
	return SessionLabel{Name: DisplayText(cmp.Or(userName, participant), DisplayLimit)}
}

// worse orders sessions worst first: the larger degraded share, then the
// lower median MOS. Sessions the analysis left out go last.
func worse(a, b *analyze.SessionResult) bool {
	switch {
	case a == nil || b == nil:
		return a != nil && b == nil
	case a.DegradedShare != b.DegradedShare:
		return a.DegradedShare > b.DegradedShare
	}
	return mosOf(*a) < mosOf(*b)
}

// sessionLabels names each session: the user name, with the join time
// when the name has several sessions, and a number when even that
// repeats (the join time in loc). Names are cut to DisplayLimit first, so that two long names
// alike in their first characters are told apart too.
func sessionLabels(tl *analyze.Timeline, sessions []*store.Session, loc *time.Location) []SessionLabel {
	names := make([]string, len(tl.Sessions))
	seen := map[string]int{}
	shown := func(s string) string { return strings.TrimSpace(DisplayText(s, DisplayLimit)) }
	for i := range tl.Sessions {
		name := ""
		if s := sessions[i]; s != nil {
			name = shown(s.UserName)
		}
		names[i] = cmp.Or(name, shown(tl.Sessions[i].Participant), "(unnamed)")
		seen[names[i]]++
	}
	out := make([]SessionLabel, len(names))
	used := map[string]int{}
	for i, name := range names {
		label := SessionLabel{Name: name}
		if seen[name] > 1 && !tl.Sessions[i].JoinTime.IsZero() {
			label.Suffix = " · " + Clock.FormatIn(tl.Sessions[i].JoinTime, loc)
		}
		n := label.String()
		if used[n]++; used[n] > 1 {
			label.Suffix += " #" + strconv.Itoa(used[n])
		}
		out[i] = label
	}
	return out
}

// mosNote says how a meeting's sessions can rate good on MOS and be
// degraded: MOS rates a session by its median audio minute, so a few bad
// minutes do not move it, and video, screen share and CPU do not enter it.
func mosNote(r *analyze.MeetingResult) string {
	degraded, audio := 0, 0
	for i := range r.SessionResults {
		s := &r.SessionResults[i]
		if s.DegradedShare == 0 {
			continue
		}
		degraded++
		if s.Degraded[store.AudioInput].Degraded+s.Degraded[store.AudioOutput].Degraded > 0 {
			audio++
		}
	}
	if degraded == 0 {
		return ""
	}
	note := fmt.Sprintf("MOS rates a session by its median audio minute: a few bad minutes do not move it, and video, "+
		"screen share and CPU do not enter it. Of the %d sessions with a degraded sample, %d had degraded audio minutes",
		degraded, audio)
	if other := degraded - audio; other > 0 {
		verb := "were"
		if other == 1 {
			verb = "was"
		}
		note += fmt.Sprintf("; the other %d %s degraded on other streams only", other, verb)
	}
	return note + "."
}
