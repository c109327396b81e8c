package store

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestSampleCodecRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		values []Value
		maxLen int // encoded size bound, 0 for none
	}{
		{"empty", nil, 1},
		{"zoom decimals", []Value{
			{AudioInput, Bitrate, 27.15}, {AudioInput, Latency, 126}, {AudioInput, Jitter, 0},
			{AudioInput, AvgLoss, 0.03}, {AudioInput, MaxLoss, 0.4},
		}, 3 + 3 + 2 + 1 + 1 + 1}, // header, then 27.15 in 3 bytes, 126 in 2, the rest in 1
		{"video with resolution", []Value{
			{VideoInput, Bitrate, 1055}, {VideoInput, FrameRate, 12}, {VideoInput, Width, 1280}, {VideoInput, Height, 720},
		}, 0},
		{"negative rssi", []Value{{WiFiRSSI, RSSIMin, -75}, {WiFiRSSI, RSSIAvg, -69.5}, {WiFiRSSI, RSSIMax, -35}}, 0},
		{"not a short decimal", []Value{{CPUUsage, ZoomAvgCPU, math.Pi}, {CPUUsage, SystemMaxCPU, 1e300}}, 0},
		{"negative zero and tiny", []Value{{CPUUsage, ZoomMinCPU, math.Copysign(0, -1)}, {CPUUsage, ZoomAvgCPU, 5e-324}}, 0},
		{"every stream", everyStream(), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := appendSample(nil, tt.values)
			if err != nil {
				t.Fatal(err)
			}
			if tt.maxLen > 0 && len(b) > tt.maxLen {
				t.Errorf("encoded in %d bytes, want at most %d", len(b), tt.maxLen)
			}
			got, err := decodeSample(nil, b)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.values) {
				t.Fatalf("decoded %d values, want %d", len(got), len(tt.values))
			}
			for i := range got {
				w := tt.values[i]
				if got[i].Stream != w.Stream || got[i].Metric != w.Metric || math.Float64bits(got[i].V) != math.Float64bits(w.V) {
					t.Errorf("value %d = %+v, want %+v", i, got[i], w)
				}
			}
		})
	}
}

func everyStream() []Value {
	var vs []Value
	for _, st := range Streams() {
		for i, m := range st.Metrics() {
			vs = append(vs, Value{st, m, float64(i) + 0.5})
		}
	}
	return vs
}

// Any decimal with up to six fraction digits comes back bit for bit, as it
// would from parsing its text.
func TestSampleCodecDecimals(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		digits := r.IntN(7)
		m := r.Int64N(1e9)
		s := strconv.FormatInt(m, 10)
		if digits > 0 && len(s) > digits {
			s = s[:len(s)-digits] + "." + s[len(s)-digits:]
		}
		v, _ := strconv.ParseFloat(s, 64)
		b, err := appendSample(nil, []Value{{AudioInput, Bitrate, v}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeSample(nil, b)
		if err != nil || got[0].V != v {
			t.Fatalf("%s: decoded %v, %v", s, got, err)
		}
		if len(b) > 1+2+9 {
			t.Fatalf("%s took %d bytes", s, len(b))
		}
	}
}

func TestSampleCodecRejects(t *testing.T) {
	bad := [][]Value{
		{{AudioInput, FrameRate, 1}},                          // audio has no frame rate
		{{AudioOutput, Bitrate, 1}, {AudioInput, Bitrate, 1}}, // streams out of order
		{{AudioInput, Latency, 1}, {AudioInput, Bitrate, 1}},  // metrics out of order
		{{NumStreams, Bitrate, 1}},
	}
	for _, vs := range bad {
		if _, err := appendSample(nil, vs); err == nil {
			t.Errorf("appendSample(%v) accepted", vs)
		}
	}
	// A stream without its mask, a value missing, too many metrics, no
	// such stream, a float cut short.
	for _, b := range [][]byte{{0}, {0, 1}, {0, 0xff, 1}, {99, 1, 8}, {0, 1, 7, 1, 2}} {
		if _, err := decodeSample(nil, b); err == nil {
			t.Errorf("decodeSample(%v) accepted", b)
		}
	}
}

func TestNormalize(t *testing.T) {
	s := Sample{Values: []Value{
		{VideoInput, Width, 640}, {AudioInput, Latency, 1}, {AudioInput, Bitrate, 2}, {AudioInput, Latency, 3},
	}}
	s.Normalize()
	want := []Value{{AudioInput, Bitrate, 2}, {AudioInput, Latency, 3}, {VideoInput, Width, 640}}
	if len(s.Values) != len(want) {
		t.Fatalf("Normalize = %v, want %v", s.Values, want)
	}
	for i := range want {
		if s.Values[i] != want[i] {
			t.Errorf("Normalize = %v, want %v", s.Values, want)
		}
	}
}
