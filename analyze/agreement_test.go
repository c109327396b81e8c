package analyze

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// rated makes a session with Zoom's audio and video ratings and one sample
// a minute from joinSec on, each holding the given values.
func rated(p string, joinSec int, audio, video string, minutes [][]store.Value) store.SessionSamples {
	s := store.SessionSamples{Session: store.Session{Participant: p, UserName: "name " + p,
		JoinTime: t0.Add(time.Duration(joinSec) * time.Second), AudioQuality: audio, VideoQuality: video, Details: true}}
	for i, vals := range minutes {
		s.Samples = append(s.Samples, smp(joinSec+60*(i+1), vals...))
	}
	return s
}

// repeat gives n minutes of the same values.
func repeat(n int, vals ...store.Value) [][]store.Value {
	out := make([][]store.Value, n)
	for i := range out {
		out[i] = vals
	}
	return out
}

// agreementSessions is a meeting whose sessions fill the table:
//
//	a  audio good, fine            video good, fine  -> both agree
//	b  audio poor, a window        no video          -> agrees
//	c  audio good, a window                          -> disagrees (Zoom too kind)
//	d  audio bad, one bad minute (no window)         -> disagrees (zoomqos too kind)
//	e  audio fair, no audio data   video poor, a window -> audio not compared; video agrees
//	f  no rating, a window                           -> none, degraded
//	g  "excellent" (not Zoom's word), fine           -> none, not degraded
func agreementSessions() []store.SessionSamples {
	fine, bad := lat(store.AudioInput, 40), lat(store.AudioInput, 320)
	vfine, vbad := lat(store.VideoInput, 40), lat(store.VideoOutput, 400)
	return []store.SessionSamples{
		rated("a", 0, "good", "good", repeat(4, fine, vfine)),
		rated("b", 10, "poor", "", repeat(4, bad)),
		rated("c", 20, "good", "", repeat(3, bad)),
		rated("d", 30, "bad", "", [][]store.Value{{fine}, {bad}, {fine}}),
		rated("e", 40, "fair", "poor", repeat(3, vbad)),
		rated("f", 50, "", "", repeat(3, bad)),
		rated("g", 60, "excellent", "", repeat(2, fine)),
	}
}

func rows(k KindAgreement) map[string][3]int {
	out := map[string][3]int{}
	for _, r := range k.Rows {
		out[r.Rating] = [3]int{r.Degraded, r.NotDegraded, r.NoData}
	}
	return out
}

func TestRatingAgreement(t *testing.T) {
	r := analyzeOne(t, Options{}, agreementSessions()...)
	a := r.Agreement
	if a.Rule != AgreementRule || a.Rated != 5 || len(a.Kinds) != 3 {
		t.Fatalf("agreement = %+v, want 5 rated sessions (a to e) and three kinds", a)
	}
	audio, video, share := a.Kinds[0], a.Kinds[1], a.Kinds[2]
	if audio.Kind != "audio" || video.Kind != "video" || share.Kind != "screen_share" ||
		!reflect.DeepEqual(share.Streams, []store.Stream{store.ASInput, store.ASOutput}) {
		t.Fatalf("kinds %s %s %s %v", audio.Kind, video.Kind, share.Kind, share.Streams)
	}
	// Columns: degraded, not degraded, no data.
	wantAudio := map[string][3]int{"good": {1, 1, 0}, "fair": {0, 0, 1}, "poor": {1, 0, 0}, "bad": {0, 1, 0}, "none": {1, 1, 0}}
	if got := rows(audio); !reflect.DeepEqual(got, wantAudio) {
		t.Errorf("audio table %v, want %v", got, wantAudio)
	}
	if audio.Rated != 5 || audio.Compared != 4 || audio.Agree != 2 || audio.Rate == nil || *audio.Rate != 0.5 {
		t.Errorf("audio: rated %d, compared %d, agree %d, rate %v; want 5, 4, 2, 0.5", audio.Rated, audio.Compared, audio.Agree, audio.Rate)
	}
	wantVideo := map[string][3]int{"good": {0, 1, 0}, "fair": {}, "poor": {1, 0, 0}, "bad": {}, "none": {0, 0, 5}}
	if got := rows(video); !reflect.DeepEqual(got, wantVideo) {
		t.Errorf("video table %v, want %v", got, wantVideo)
	}
	if video.Compared != 2 || video.Agree != 2 || *video.Rate != 1 || len(video.Disagreements) != 0 {
		t.Errorf("video: %+v", video)
	}
	if share.Rated != 0 || share.Compared != 0 || share.Rate != nil || rows(share)["none"] != [3]int{0, 0, 7} {
		t.Errorf("screen share, rated by no one: %+v", share)
	}

	// The disagreements, in join order, each saying why.
	want := []Disagreement{
		{Participant: "c", Session: SessionName(t0.Add(20 * time.Second)), UserName: "name c", Zoom: "good", Zoomqos: VerdictDegraded,
			Worst: "audio_input: latency_ms 320"},
		{Participant: "d", Session: SessionName(t0.Add(30 * time.Second)), UserName: "name d", Zoom: "bad", Zoomqos: VerdictNotDegraded,
			Worst: "audio_input: 33.3% of samples degraded, no window"},
	}
	if !reflect.DeepEqual(audio.Disagreements, want) || audio.MoreDisagreements != 0 {
		t.Errorf("audio disagreements\n%+v\nwant\n%+v", audio.Disagreements, want)
	}

	// A higher --min-samples turns b's, c's and f's windows of 3 or 4
	// samples into none: the verdict follows the windows.
	th := DefaultThresholds()
	th.MinSamples = 4
	r = analyzeOne(t, Options{Thresholds: th}, agreementSessions()...)
	if got := rows(r.Agreement.Kinds[0]); got["good"] != [3]int{0, 2, 0} || got["poor"] != [3]int{1, 0, 0} || got["none"] != [3]int{0, 2, 0} {
		t.Errorf("audio with windows of 4 samples: %v", got)
	}
}

// Data collected before the participants list was read has no ratings:
// the agreement says so by Rated = 0, every session in the none row.
func TestRatingAgreementWithoutRatings(t *testing.T) {
	r := analyzeOne(t, Options{}, sess("a", 0, smp(60, lat(store.AudioInput, 400)), smp(120, lat(store.AudioInput, 400))),
		sess("b", 0))
	a := r.Agreement
	if a.Rated != 0 || a.Kinds[0].Compared != 0 || a.Kinds[0].Rate != nil {
		t.Fatalf("agreement without ratings: %+v", a)
	}
	if got := rows(a.Kinds[0])["none"]; got != [3]int{1, 0, 1} {
		t.Errorf("audio none row %v, want a degraded and one without data", got)
	}
}

// Only the first MaxDisagreements are listed, by join time; the rest are
// counted. A fleet gives the same table as the meeting, each disagreement
// naming its meeting.
func TestDisagreementsAreCappedAndFleetAgrees(t *testing.T) {
	var sessions []store.SessionSamples
	for i := range 13 {
		// Joined in reverse order of their names, so that join order shows.
		sessions = append(sessions, rated(fmt.Sprintf("p%02d", i), 600-30*i, "poor", "", repeat(2, lat(store.AudioInput, 40))))
	}
	r := analyzeOne(t, Options{}, sessions...)
	audio := r.Agreement.Kinds[0]
	if len(audio.Disagreements) != MaxDisagreements || audio.MoreDisagreements != 3 || audio.Agree != 0 || audio.Compared != 13 {
		t.Fatalf("%d listed, %d more, agree %d of %d", len(audio.Disagreements), audio.MoreDisagreements, audio.Agree, audio.Compared)
	}
	if audio.Disagreements[0].Participant != "p12" || audio.Disagreements[9].Participant != "p03" {
		t.Errorf("first %s, tenth %s; want p12 and p03 (the earliest joins)", audio.Disagreements[0].Participant, audio.Disagreements[9].Participant)
	}

	all := append(sessions, agreementSessions()...)
	f := NewFleet(ByDevice, Options{}, 3)
	for i := range all {
		meeting := "m1"
		if i >= len(sessions) {
			meeting = "m2"
		}
		f.AddSession(i%3, meeting, &all[i].Session, all[i].Samples)
	}
	fa := f.Result(t0, t0).Agreement
	ma := analyzeOne(t, Options{}, all...).Agreement
	for k := range ma.Kinds {
		if !reflect.DeepEqual(rows(fa.Kinds[k]), rows(ma.Kinds[k])) || fa.Kinds[k].Agree != ma.Kinds[k].Agree {
			t.Errorf("%s: fleet %v, meeting %v", ma.Kinds[k].Kind, rows(fa.Kinds[k]), rows(ma.Kinds[k]))
		}
	}
	fd := fa.Kinds[0].Disagreements
	// By join time across meetings: c (20 s) and d (30 s) of m2, then p12
	// (240 s) of m1.
	if len(fd) != MaxDisagreements || fa.Kinds[0].MoreDisagreements != 5 || fd[0].Meeting != "m2" || fd[0].Participant != "c" ||
		fd[1].Participant != "d" || fd[2].Meeting != "m1" || fd[2].Participant != "p12" {
		t.Errorf("fleet disagreements: %d listed, %d more, first %+v", len(fd), fa.Kinds[0].MoreDisagreements, fd[:3])
	}
	// Every worker count gives the same list.
	for _, workers := range []int{1, 2, 5} {
		g := NewFleet(ByDevice, Options{}, workers)
		for i := range all {
			meeting := "m1"
			if i >= len(sessions) {
				meeting = "m2"
			}
			g.AddSession(i%workers, meeting, &all[i].Session, all[i].Samples)
		}
		if got := g.Result(t0, t0).Agreement; !reflect.DeepEqual(got, fa) {
			t.Errorf("%d workers: a different agreement", workers)
		}
	}
}
