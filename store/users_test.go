package store

import (
	"context"
	"testing"
	"time"
)

// pushed is a session from an event: keyed by its user_id, no join time.
func pushed(userID string, minutes []int, latency float64) SessionSamples {
	s := SessionSamples{Session: Session{Participant: userID, UserID: userID, UserName: "Ada", Pushed: true}}
	for _, m := range minutes {
		s.Samples = append(s.Samples, Sample{Time: t0.Add(time.Duration(m) * time.Minute),
			Values: []Value{{AudioInput, Latency, latency}}})
	}
	return s
}

// fromAPI is the same join as the QoS API names it: the participant id and
// the join time, with the user_id among its fields.
func fromAPI(userID string, minutes []int, latency float64) SessionSamples {
	s := SessionSamples{Session: Session{Participant: "pid-" + userID, UserID: userID, JoinTime: t0, UserName: "Ada", Device: "Mac"}}
	for _, m := range minutes {
		s.Samples = append(s.Samples, Sample{Time: t0.Add(time.Duration(m) * time.Minute),
			Values: []Value{{AudioInput, Latency, latency}}})
	}
	return s
}

// However the events and the QoS API's pages interleave, one join is one
// session, each minute one sample, and a rebuild from the raw documents
// gives the same.
func TestPushedSessionsJoinTheAPIs(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		pages []*Page
	}{
		{"events first", []*Page{
			testPage("m", Live, `{"e":1}`, pushed("16778240", []int{1, 2}, 10)),
			testPage("m", Live, `{"e":2}`, pushed("16778240", []int{3}, 10)),
			testPage("m", Past, `{"api":1}`, fromAPI("16778240", []int{1, 2, 3, 4}, 20)),
			testPage("m", Live, `{"e":3}`, pushed("16778240", []int{5}, 10)),
		}},
		{"API first", []*Page{
			testPage("m", Past, `{"api":1}`, fromAPI("16778240", []int{1, 2, 3, 4}, 20)),
			testPage("m", Live, `{"e":1}`, pushed("16778240", []int{1, 2}, 10)),
			testPage("m", Live, `{"e":3}`, pushed("16778240", []int{5}, 10)),
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := MustOpenDB(t)
			newSessions := 0
			for _, p := range c.pages {
				res, err := db.PutPage(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				newSessions += res.NewSessions
			}
			if newSessions != 1 {
				t.Errorf("the pages said %d new sessions, want 1", newSessions)
			}
			check := func(when string) {
				all, err := db.Load(ctx, "m")
				if err != nil {
					t.Fatal(err)
				}
				if len(all) != 1 {
					t.Fatalf("%s: %d sessions, want 1: %+v", when, len(all), all)
				}
				s := all[0]
				if s.Session.Participant != "pid-16778240" || !s.Session.JoinTime.Equal(t0) || s.Session.Pushed || s.Session.Device != "Mac" {
					t.Fatalf("%s: session %+v", when, s.Session)
				}
				if len(s.Samples) != 5 {
					t.Fatalf("%s: %d samples, want 5", when, len(s.Samples))
				}
				m, _ := db.Meeting(ctx, "m")
				if m.Samples != 5 || m.Sessions != 1 {
					t.Fatalf("%s: counts %+v", when, m)
				}
			}
			check("stored")
			if _, err := db.Rebuild(ctx, "m", func(d RawDoc) (Parsed, error) {
				for _, p := range c.pages {
					if string(p.Raw) == string(d.Data) {
						return Parsed{Sessions: p.Sessions}, nil
					}
				}
				t.Fatalf("unknown document %s", d.Data)
				return Parsed{}, nil
			}); err != nil {
				t.Fatal(err)
			}
			check("rebuilt")
			if r, err := db.Check(ctx, nil); err != nil || len(r.Problems) != 0 {
				t.Fatalf("check: %v %+v", err, r.Problems)
			}
		})
	}
}

// Without the API, the events of one user_id are one session, and a
// second user_id another.
func TestPushedSessionsAlone(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for i, p := range []SessionSamples{pushed("1", []int{1}, 10), pushed("2", []int{1}, 10), pushed("1", []int{2}, 10)} {
		if _, err := db.PutPage(ctx, testPage("m", Live, string(rune('a'+i)), p)); err != nil {
			t.Fatal(err)
		}
	}
	m, _ := db.Meeting(ctx, "m")
	if m.Sessions != 2 || m.Samples != 3 {
		t.Fatalf("%+v", m)
	}
}
