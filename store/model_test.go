package store

import "testing"

func TestStreamAndMetricNames(t *testing.T) {
	seen := map[string]bool{}
	for _, st := range Streams() {
		name := st.String()
		if got, ok := ParseStream(name); !ok || got != st || seen[name] {
			t.Errorf("stream %d: name %q parses to %v, %v (or repeats)", st, name, got, ok)
		}
		seen[name] = true
		// The sample codec and Normalize rely on each stream's metrics being
		// in ascending Metric order, and on at most 8 of them.
		ms := st.Metrics()
		if len(ms) == 0 || len(ms) > 8 {
			t.Errorf("%s has %d metrics", st, len(ms))
		}
		for i := 1; i < len(ms); i++ {
			if ms[i-1] >= ms[i] {
				t.Errorf("%s metrics out of order: %v", st, ms)
			}
		}
	}
	if _, ok := ParseStream("hologram"); ok {
		t.Error("unknown stream parsed")
	}
	for _, m := range Metrics() {
		if got, ok := ParseMetric(m.String()); !ok || got != m || seen[m.String()] {
			t.Errorf("metric %d: name %q parses to %v, %v (or repeats)", m, m.String(), got, ok)
		}
		seen[m.String()] = true
	}
	if got := len(Streams()); got != 21 {
		t.Errorf("%d streams, want the 21 Zoom documents", got)
	}
}

// Streams and metrics read and write their names as text, so that results
// keyed by them keep Zoom's names in JSON; an unknown name is an error.
func TestStreamAndMetricText(t *testing.T) {
	for _, st := range Streams() {
		b, err := st.MarshalText()
		if err != nil || string(b) != st.String() {
			t.Errorf("%d: %q %v", st, b, err)
		}
		var back Stream
		if err := back.UnmarshalText(b); err != nil || back != st {
			t.Errorf("%s read back as %v (%v)", b, back, err)
		}
	}
	for _, m := range Metrics() {
		b, err := m.MarshalText()
		var back Metric
		if err != nil || back.UnmarshalText(b) != nil || back != m || string(b) != m.String() {
			t.Errorf("metric %d: %q %v %v", m, b, back, err)
		}
	}
	var st Stream
	if err := st.UnmarshalText([]byte("audio_inputs")); err == nil {
		t.Error("an unknown stream name reads without an error")
	}
	if _, err := NumStreams.MarshalText(); err == nil {
		t.Error("a stream out of range writes without an error")
	}
}
