package zoom

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// Seeds: every value shape from the Zoom notes and a few that are not.
var valueSeeds = []string{"23 kbps", "27.15kbps", "23 Kbps", "6", "126 ms", "0ms", "0.3%", "0.03%",
	"12 fps", "1280*720", "0*0", "", "8%", "-", "N/A", "-69 dBm", "normal", "1e3 bps", "1.2 Mbps",
	"fast", "0,3%", "1e400", "-0", ".", "9999999999999999999999 kbps"}

func FuzzParseQuantity(f *testing.F) {
	for i, s := range valueSeeds {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, text string, kind uint8) {
		q := quantity(kind % uint8(qCount+1))
		v, st := parseQuantity([]byte(text), q)
		switch st {
		case valueOK:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("parseQuantity(%q, %d) = %v", text, q, v)
			}
			if v < 0 && q != qRSSI {
				t.Fatalf("parseQuantity(%q, %d) = %v: negative", text, q, v)
			}
			if q == qPressure && v > 3 {
				t.Fatalf("pressure level %v", v)
			}
		case valueAbsent, valueBad:
			if v != 0 {
				t.Fatalf("parseQuantity(%q) = %v with status %d", text, v, st)
			}
		default:
			t.Fatalf("status %d", st)
		}
		w, h, st := parseResolution([]byte(text))
		if st == valueOK && (w < 0 || h < 0 || w != math.Trunc(w) || h != math.Trunc(h)) {
			t.Fatalf("parseResolution(%q) = %v, %v", text, w, h)
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"participant-qos.json", "list-page.json", "events/event-qos.json", "events/event-summary.json", "events/event-alert.json"} {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte(`{"event":"meeting.participant_qos","event_ts":"1764584196412","payload":{"object":{"uuid":"u1","participant":{"user_id":"7","qos":[{"type":"audio_input","date_time":"2025-12-01T10:15:00Z","details":{"bitrate":"20kbps"}},{"type":"x","details":null}]}}}}`))
	f.Add([]byte(`{"code":124,"message":"Invalid access token."}`))
	f.Add([]byte(`{"user_id":"1","user_qos":[{"date_time":"2022-03-01T10:00:00Z","wifi_rssi":{"min_rssi":-70,"rssi_unit":"mW"}}]}`))
	f.Add([]byte(`{"participants":[{"id":"a\u0000b","user_qos":[{"date_time":"2022-03-01T10:00:00.1234567+05:30","audio_input":{"bitrate":null}}]}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if !jsontext.Value(doc).IsValid() {
			return // Documents rejects it before Parse sees it
		}
		var probs Problems
		p := NewParser()
		page, err := p.Parse(doc, &probs)
		if err != nil {
			return
		}
		if page.Event != nil && page.Event.Meeting.ID() == "" {
			t.Fatal("an event read without a meeting")
		}
		for _, ps := range page.Participants {
			if ps.Session.Participant == "" {
				t.Fatal("session without a participant id")
			}
			if (page.Event != nil) != ps.Session.Pushed {
				t.Fatal("a session from an event is pushed, and only such a session")
			}
			for _, smp := range ps.Samples {
				if smp.Time.IsZero() || smp.Time.Location().String() != "UTC" {
					t.Fatalf("sample time %v", smp.Time)
				}
				for i, v := range smp.Values {
					if math.IsNaN(v.V) || math.IsInf(v.V, 0) {
						t.Fatalf("value %+v", v)
					}
					if i > 0 && (smp.Values[i-1].Stream > v.Stream || (smp.Values[i-1].Stream == v.Stream && smp.Values[i-1].Metric >= v.Metric)) {
						t.Fatalf("values out of order: %+v", smp.Values)
					}
					ok := false
					for _, m := range v.Stream.Metrics() {
						ok = ok || m == v.Metric
					}
					if !ok {
						t.Fatalf("%s carries %s", v.Stream, v.Metric)
					}
				}
			}
		}
		if probs.Count < len(probs.First) || len(probs.First) > maxProblems {
			t.Fatalf("problems %d with %d kept", probs.Count, len(probs.First))
		}
		// Parsing is deterministic and independent of the previous document.
		again, err := p.Parse(doc, &Problems{})
		if err != nil || again.Samples() != page.Samples() || len(again.Participants) != len(page.Participants) {
			t.Fatalf("second parse differs: %v", err)
		}
	})
}

func FuzzDocuments(f *testing.F) {
	f.Add([]byte(`{"a":1}{"b":2}`))
	f.Add([]byte("{\"a\":1}\n{\"b\":2}\n"))
	f.Add([]byte(`[{"a":1},{"b":2}]`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Add([]byte(`{"a":`))
	f.Add([]byte(`[1,2`))
	f.Fuzz(func(t *testing.T, in []byte) {
		last := int64(-1)
		err := Documents(bytes.NewReader(in), func(off int64, doc []byte) error {
			if off <= last || off < 0 || off+int64(len(doc)) > int64(len(in)) {
				t.Fatalf("offset %d (after %d) for %d bytes of %d", off, last, len(doc), len(in))
			}
			if !bytes.Equal(in[off:off+int64(len(doc))], doc) {
				t.Fatalf("document at %d is not the input's bytes there", off)
			}
			if !jsontext.Value(doc).IsValid(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)) {
				t.Fatalf("invalid document delivered: %q", doc)
			}
			last = off
			return nil
		})
		if se, ok := err.(*SyntaxError); ok && (se.Offset < 0 || se.Offset > int64(len(in))) {
			t.Fatalf("error offset %d outside the %d-byte input", se.Offset, len(in))
		}
		if err != nil && strings.TrimSpace(err.Error()) == "" {
			t.Fatal("empty error message")
		}
	})
}
