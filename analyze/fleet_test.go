package analyze

import (
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// fleetOf rolls sessions up, each given with its meeting, over two workers.
func fleetOf(t *testing.T, by GroupBy, sessions map[string][]store.SessionSamples) *FleetResult {
	t.Helper()
	f := NewFleet(by, Options{}, 2)
	w := 0
	for _, meeting := range []string{"m1", "m2", "m3"} {
		for i := range sessions[meeting] {
			s := &sessions[meeting][i]
			f.AddSession(w%2, meeting, &s.Session, s.Samples)
			w++
		}
	}
	return f.Result(t0, t0)
}

func groupsByLabel(r *FleetResult) map[string]GroupResult {
	out := map[string]GroupResult{}
	for _, g := range r.Groups {
		out[g.Group] = g
	}
	return out
}

// person makes a session of a person who joined a day after t0 times day,
// with fine audio and, when badVideo, video degraded throughout.
func person(id, email, name string, day int, badVideo bool) store.SessionSamples {
	join := t0.AddDate(0, 0, day)
	s := store.SessionSamples{Session: store.Session{Participant: "p-" + name, ID: id, Email: email, UserName: name, JoinTime: join}}
	for i := range 4 {
		vals := []store.Value{lat(store.AudioInput, 40)}
		if badVideo {
			vals = append(vals, lat(store.VideoInput, 400))
		}
		smp := store.Sample{Time: join.Add(time.Duration(i+1) * time.Minute), Values: vals}
		smp.Normalize()
		s.Samples = append(s.Samples, smp)
	}
	return s
}

func TestFleetByUser(t *testing.T) {
	r := fleetOf(t, ByUser, map[string][]store.SessionSamples{
		// Ada by her Zoom id in two meetings, renamed in between.
		"m1": {person("zoom-ada", "ada@example.com", "Ada L", 0, true),
			person("", "Bob@Example.com", "Bob", 0, false),
			person("", "", "+1 ***-***-1234", 0, false),
			person("", "", "", 0, false)},
		"m2": {person("zoom-ada", "ada@other.example", "Ada Lovelace", 1, false),
			person("", "bob@example.com ", "Robert", 1, false), // the same address, another case
			person("", "", "+1 ***-***-1234", 1, false)},
		// Two Adas without id or e-mail: one row, as the docs warn.
		"m3": {person("", "", "Ada Lovelace", 2, false), person("", "", "Ada Lovelace", 2, true)},
	})
	g := groupsByLabel(r)
	if len(r.Groups) != 5 || r.By != ByUser {
		t.Fatalf("groups %+v", r.Groups)
	}
	ada := g["zoom-ada"]
	if ada.Name != "Ada Lovelace" || ada.Meetings != 2 || ada.Sessions != 2 || ada.Samples != 8 {
		t.Errorf("Ada by her id: %+v", ada)
	}
	// Her video was degraded in every sample of the first meeting; her
	// audio never: video_input is her worst stream, all of its samples.
	if ada.WorstStream != "video_input" || ada.WorstShare != 1 || ada.DegradedShare != 0.5 {
		t.Errorf("Ada's worst stream %q at %v, degraded %v", ada.WorstStream, ada.WorstShare, ada.DegradedShare)
	}
	bob := g["bob@example.com"]
	if bob.Name != "Robert" || bob.Meetings != 2 || bob.Sessions != 2 || bob.WorstStream != "" {
		t.Errorf("Bob by his e-mail: %+v", bob)
	}
	if phone := g["+1 ***-***-1234"]; phone.Name != "+1 ***-***-1234" || phone.Sessions != 2 || phone.Meetings != 2 {
		t.Errorf("the phone caller by the masked number: %+v", phone)
	}
	if byName := g["Ada Lovelace"]; byName.Sessions != 2 || byName.Meetings != 1 {
		t.Errorf("two Adas known by name only: %+v", byName)
	}
	if unknown := g[Unknown]; unknown.Sessions != 1 || unknown.Name != "" {
		t.Errorf("the session with nothing to key it by: %+v", unknown)
	}
}

func TestFleetByConnection(t *testing.T) {
	s := func(conn string) store.SessionSamples {
		p := person("", "", "x", 0, false)
		p.Session.ConnectionType = conn
		return p
	}
	r := fleetOf(t, ByConnection, map[string][]store.SessionSamples{
		"m1": {s("UDP"), s("UDP"), s("SSL")},
		"m2": {s("UDP"), s("")},
	})
	g := groupsByLabel(r)
	if len(r.Groups) != 3 || r.Groups[0].Group != "UDP" || g["UDP"].Sessions != 3 || g["UDP"].Meetings != 2 ||
		g["SSL"].Sessions != 1 || g[Unknown].Sessions != 1 {
		t.Errorf("by connection: %+v", r.Groups)
	}
	if g["UDP"].Name != "" {
		t.Error("a group other than a person's has a name")
	}
}

func TestParseGroupBy(t *testing.T) {
	for _, s := range []string{"device", "location", "network", "version", "datacenter", "connection", "user"} {
		if g, err := ParseGroupBy(s); err != nil || string(g) != s {
			t.Errorf("ParseGroupBy(%q) = %q, %v", s, g, err)
		}
	}
	_, err := ParseGroupBy("colour")
	if err == nil || !strings.Contains(err.Error(), "device, location, network, version, datacenter, connection or user") {
		t.Errorf("ParseGroupBy(colour): %v", err)
	}
}
