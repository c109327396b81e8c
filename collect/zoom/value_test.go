package zoom

import (
	"math"
	"strconv"
	"testing"
)

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		name string
		in   string
		q    quantity
		want float64
		st   status
	}{
		// Every shape ../shared/zoom/README.md lists.
		{"kbps with space", "23 kbps", qBitrate, 23, valueOK},
		{"kbps no space", "27.15kbps", qBitrate, 27.15, valueOK},
		{"Kbps capital", "23 Kbps", qBitrate, 23, valueOK},
		{"bare number is kbps", "6", qBitrate, 6, valueOK},
		{"ms", "126 ms", qDuration, 126, valueOK},
		{"0ms", "0ms", qDuration, 0, valueOK},
		{"percent", "0.3%", qPercent, 0.3, valueOK},
		{"small percent", "0.03%", qPercent, 0.03, valueOK},
		{"integer percent", "8%", qPercent, 8, valueOK},
		{"fps", "12 fps", qFPS, 12, valueOK},
		{"empty", "", qBitrate, 0, valueAbsent},
		// Other units, normalised.
		{"bps", "673000 bps", qBitrate, 673, valueOK},
		{"odd bps", "27150bps", qBitrate, 27.15, valueOK},
		{"Mbps", "1.2 Mbps", qBitrate, 1200, valueOK},
		{"mbps lower", "2mbps", qBitrate, 2000, valueOK},
		{"Gbps", "1 Gbps", qBitrate, 1e6, valueOK},
		{"kb/s", "64 kb/s", qBitrate, 64, valueOK},
		{"seconds", "0.25 s", qDuration, 250, valueOK},
		{"microseconds", "1500us", qDuration, 1.5, valueOK},
		{"percent spaced", "4.2 %", qPercent, 4.2, valueOK},
		{"bare percent", "5", qPercent, 5, valueOK},
		{"bare fps", "30", qFPS, 30, valueOK},
		{"padded", "  23 kbps  ", qBitrate, 23, valueOK},
		{"plus sign", "+5 ms", qDuration, 5, valueOK},
		{"exponent", "1e3 bps", qBitrate, 1, valueOK},
		{"leading dot", ".5%", qPercent, 0.5, valueOK},
		{"trailing dot", "5.%", qPercent, 5, valueOK},
		{"rssi negative", "-69", qRSSI, -69, valueOK},
		{"rssi with unit", "-69 dBm", qRSSI, -69, valueOK},
		{"pressure word", "normal", qPressure, 0, valueOK},
		{"pressure nominal", "Nominal", qPressure, 0, valueOK},
		{"pressure fair", "fair", qPressure, 1, valueOK},
		{"pressure serious", "SERIOUS", qPressure, 2, valueOK},
		{"pressure critical", "critical", qPressure, 3, valueOK},
		{"pressure number", "2", qPressure, 2, valueOK},
		{"long digits", "123456.789012345678901234 kbps", qBitrate, 123456.789012345678901234, valueOK},
		{"as much as can be", "100%", qPercent, 100, valueOK},
		// Absent in every spelling.
		{"dash", "-", qDuration, 0, valueAbsent},
		{"double dash", "--", qDuration, 0, valueAbsent},
		{"N/A", "N/A", qPercent, 0, valueAbsent},
		{"n/a", "n/a", qPercent, 0, valueAbsent},
		{"NA", "NA", qPercent, 0, valueAbsent},
		{"null text", "null", qFPS, 0, valueAbsent},
		{"spaces only", "   ", qFPS, 0, valueAbsent},
		// Not understood: absent and reported, never zero.
		{"word", "fast", qFPS, 0, valueBad},
		{"unknown unit", "12 parsecs", qDuration, 0, valueBad},
		{"wrong unit", "12 ms", qBitrate, 0, valueBad},
		{"percent for bitrate", "5%", qBitrate, 0, valueBad},
		{"negative latency", "-5 ms", qDuration, 0, valueBad},
		{"negative loss", "-0.5%", qPercent, 0, valueBad},
		{"decimal comma", "0,3%", qPercent, 0, valueBad},
		{"two numbers", "1 2", qFPS, 0, valueBad},
		{"overflow", "1e400 kbps", qBitrate, 0, valueBad},
		{"pressure word unknown", "spicy", qPressure, 0, valueBad},
		{"pressure too high", "7", qPressure, 0, valueBad},
		{"dot only", ".", qPercent, 0, valueBad},
		{"unit only", "kbps", qBitrate, 0, valueBad},
		{"NaN", "NaN", qBitrate, 0, valueBad},
		{"Inf", "Inf", qBitrate, 0, valueBad},
		// Beyond what can be true: not understood, so that one cannot
		// swamp an analysis.
		{"loss over 100", "150%", qPercent, 0, valueBad},
		{"CPU of 1e20", "1e20%", qPercent, 0, valueBad},
		{"latency of ages", "99999999999999999999999999999 ms", qDuration, 0, valueBad},
		{"bitrate near the float limit", "1e308", qBitrate, 0, valueBad},
		{"frame rate", "2000 fps", qFPS, 0, valueBad},
		{"rssi", "-5000 dBm", qRSSI, 0, valueBad},
		{"resolution side", "10000000", qCount, 0, valueBad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st := parseQuantity([]byte(tt.in), tt.q)
			if st != tt.st {
				t.Fatalf("parseQuantity(%q) status = %d, want %d (value %v)", tt.in, st, tt.st, got)
			}
			if st == valueOK && got != tt.want {
				t.Errorf("parseQuantity(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// The decimal fast path must give exactly what strconv.ParseFloat gives, so
// that stored values equal the numbers Zoom wrote.
func TestParseQuantityMatchesStrconv(t *testing.T) {
	for _, s := range []string{"0.1", "0.3", "27.15", "1055", "0.03", "99.99", "123.456789", "4.9", "1.9", "0.0000001", "9007.199254740993"} {
		got, st := parseQuantity([]byte(s), qBitrate)
		if st != valueOK {
			t.Fatalf("%s: status %d", s, st)
		}
		if want := mustFloat(t, s); got != want {
			t.Errorf("parseQuantity(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestParseResolution(t *testing.T) {
	tests := []struct {
		in   string
		w, h float64
		st   status
	}{
		{"1280*720", 1280, 720, valueOK},
		{"640*360", 640, 360, valueOK},
		{"0*0", 0, 0, valueOK},
		{"1920x1080", 1920, 1080, valueOK},
		{"1920 X 1080", 1920, 1080, valueOK},
		{"1280 × 720", 1280, 720, valueOK},
		{"", 0, 0, valueAbsent},
		{"-", 0, 0, valueAbsent},
		{"1280", 0, 0, valueBad},
		{"*720", 0, 0, valueBad},
		{"1280*", 0, 0, valueBad},
		{"12.5*720", 0, 0, valueBad},
		{"wide*tall", 0, 0, valueBad},
		{"-1*720", 0, 0, valueBad},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			w, h, st := parseResolution([]byte(tt.in))
			if st != tt.st || (st == valueOK && (w != tt.w || h != tt.h)) {
				t.Errorf("parseResolution(%q) = %v, %v, %d; want %v, %v, %d", tt.in, w, h, st, tt.w, tt.h, tt.st)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 Nano in UTC, or "" for not parseable
	}{
		{"2021-06-24T20:00:00Z", "2021-06-24T20:00:00Z"},
		{"2022-03-01T10:16:00.0000000+00:00", "2022-03-01T10:16:00Z"},
		{"2022-03-01T10:16:00.5Z", "2022-03-01T10:16:00.5Z"},
		{"2022-03-01T12:16:00+02:00", "2022-03-01T10:16:00Z"},
		{"2022-03-01T05:16:00.123456789-05:00", "2022-03-01T10:16:00.123456789Z"},
		{"2022-03-01 10:16:00Z", "2022-03-01T10:16:00Z"},
		{"2022-03-01T10:16:00", "2022-03-01T10:16:00Z"},
		{"2022-03-01T10:16:00+0000", "2022-03-01T10:16:00Z"},
		{"yesterday", ""},
		{"2022-13-01T10:16:00Z", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := parseTime([]byte(tt.in))
		if tt.want == "" {
			if ok {
				t.Errorf("parseTime(%q) = %v, want failure", tt.in, got)
			}
			continue
		}
		if !ok || got.Format("2006-01-02T15:04:05.999999999Z07:00") != tt.want || got.Location().String() != "UTC" {
			t.Errorf("parseTime(%q) = %v, %v; want %s in UTC", tt.in, got, ok, tt.want)
		}
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		t.Fatalf("parse %s: %v", s, err)
	}
	return f
}
