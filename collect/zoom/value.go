package zoom

import (
	"math"
	"strconv"
	"time"
)

// Zoom sends every metric as a string with or without a unit ("23 kbps",
// "27.15kbps", "23 Kbps", "6", "126 ms", "0.3%", "12 fps", "1280*720", "",
// "-"), Wi-Fi RSSI as numbers, and CPU pressure as words. The functions here
// turn one such value into zoomqos' unit for its metric.

// status says what came of parsing a value.
type status uint8

const (
	valueOK     status = iota
	valueAbsent        // empty, "-", "N/A", null: unknown, never zero
	valueBad           // not understood: absent, and reported
)

// quantity says which unit a value is normalised to and which units it may
// carry.
type quantity uint8

const (
	qBitrate  quantity = iota // kbps
	qDuration                 // ms
	qPercent                  // %
	qFPS                      // frames per second
	qRSSI                     // dBm, may be negative
	qPressure                 // level 0-3 or its word
	qCount                    // a plain non-negative number (width, height)
)

// unitShift returns the power of ten that converts a value in unit (any
// case) to its quantity's unit; the empty unit is the quantity's own.
func unitShift(unit []byte, q quantity) (int, bool) {
	var buf [8]byte
	if len(unit) > len(buf) {
		return 0, false
	}
	lower := buf[:len(unit)]
	for i, c := range unit {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	u := string(lower)
	if u == "" {
		return 0, true
	}
	switch q {
	case qBitrate:
		switch u {
		case "kbps", "kb/s", "kbit/s":
			return 0, true
		case "bps", "b/s", "bit/s":
			return -3, true
		case "mbps", "mb/s", "mbit/s":
			return 3, true
		case "gbps", "gb/s", "gbit/s":
			return 6, true
		}
	case qDuration:
		switch u {
		case "ms", "msec":
			return 0, true
		case "s", "sec":
			return 3, true
		case "us", "µs", "μs":
			return -3, true
		}
	case qPercent:
		return 0, u == "%"
	case qFPS:
		return 0, u == "fps" || u == "f/s"
	case qRSSI:
		return 0, u == "dbm"
	}
	return 0, false
}

// isAbsent reports whether a trimmed value text means "no value".
func isAbsent(b []byte) bool {
	switch len(b) {
	case 0:
		return true
	case 1:
		return b[0] == '-'
	case 2:
		return string(b) == "--" || equalFold(b, "na")
	case 3:
		return equalFold(b, "n/a")
	case 4:
		return equalFold(b, "null") || equalFold(b, "none")
	}
	return false
}

// equalFold compares ASCII text to a lower-case word without allocating.
func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// parseQuantity parses a value's text as a quantity.
func parseQuantity(text []byte, q quantity) (float64, status) {
	b := trimSpace(text)
	if isAbsent(b) {
		return 0, valueAbsent
	}
	if q == qPressure {
		if lvl, ok := pressureLevel(b); ok {
			return lvl, valueOK
		}
	}
	m, exp, neg, n, ok := scanDecimal(b)
	if n == 0 {
		return 0, valueBad
	}
	unit := trimSpace(b[n:])
	shift, known := unitShift(unit, q)
	if !known || (neg && q != qRSSI) {
		return 0, valueBad
	}
	var v float64
	if ok {
		v, ok = decimalToFloat(m, exp+shift)
	}
	if !ok {
		f, err := strconv.ParseFloat(string(b[:n]), 64)
		if err != nil && !isRangeErr(err) {
			return 0, valueBad
		}
		v = math.Abs(f) * math.Pow10(shift)
	}
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, valueBad
	}
	if neg && v != 0 {
		v = -v
	}
	if v > maxPlausible[q] || -v > maxPlausible[q] {
		return 0, valueBad
	}
	return v, valueOK
}

// maxPlausible is the largest value each quantity can truly take (in its
// unit, either sign for dBm). A value beyond it is not understood:
// reported and left absent, so that one absurd value (a loss of 150 %, a
// latency of 1e300 ms) cannot swamp an analysis, where a mean of such
// values is not even a number.
var maxPlausible = [...]float64{
	qBitrate:  1e9,   // kbps: a terabit a second
	qDuration: 864e5, // ms: a day
	qPercent:  100,
	qFPS:      1000,
	qRSSI:     1000, // dBm
	qPressure: 3,    // the highest level, critical
	qCount:    1e6,  // pixels along a side
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// scanDecimal reads a decimal number ([-+]digits[.digits][e[-+]digits]) from
// the front of b. It returns the digits as an integer m and a power of ten
// exp (the number is m·10^exp), whether it is negative, how many bytes it
// took (0 when b does not start with a number), and ok=false when the
// digits do not fit in m (the caller then falls back to strconv).
func scanDecimal(b []byte) (m uint64, exp int, neg bool, n int, ok bool) {
	ok = true
	i := 0
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	digits := 0
	for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		if m < 1e18 {
			m = m*10 + uint64(b[i]-'0')
		} else {
			ok = false
		}
		digits++
	}
	if i < len(b) && b[i] == '.' {
		j := i + 1
		for ; j < len(b) && '0' <= b[j] && b[j] <= '9'; j++ {
			if m < 1e18 {
				m = m*10 + uint64(b[j]-'0')
				exp--
			} else {
				ok = false
			}
			digits++
		}
		if j > i+1 || digits > 0 {
			i = j
		}
	}
	if digits == 0 {
		return 0, 0, false, 0, false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		j := i + 1
		eneg := false
		if j < len(b) && (b[j] == '-' || b[j] == '+') {
			eneg = b[j] == '-'
			j++
		}
		e, ed := 0, 0
		for ; j < len(b) && '0' <= b[j] && b[j] <= '9'; j++ {
			if e < 10000 {
				e = e*10 + int(b[j]-'0')
			}
			ed++
		}
		if ed > 0 {
			if eneg {
				e = -e
			}
			exp += e
			i = j
		}
	}
	return m, exp, neg, i, ok
}

// exactPow10 holds the powers of ten a float64 represents exactly.
var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// decimalToFloat returns m·10^exp correctly rounded, when one IEEE operation
// on exact operands can compute it (as strconv does on its fast path).
func decimalToFloat(m uint64, exp int) (float64, bool) {
	if m == 0 {
		return 0, true
	}
	if m >= 1<<53 || exp < -22 || exp > 22 {
		return 0, false
	}
	if exp >= 0 {
		return float64(m) * exactPow10[exp], true
	}
	return float64(m) / exactPow10[-exp], true
}

// parseResolution parses "1280*720" (also "1280x720" and "1280 × 720") into
// width and height.
func parseResolution(text []byte) (w, h float64, st status) {
	b := trimSpace(text)
	if isAbsent(b) {
		return 0, 0, valueAbsent
	}
	sep, size := -1, 1
	for i, c := range b {
		if c == '*' || c == 'x' || c == 'X' {
			sep = i
			break
		}
		if c == 0xc3 && i+1 < len(b) && b[i+1] == 0x97 { // ×
			sep, size = i, 2
			break
		}
	}
	if sep <= 0 {
		return 0, 0, valueBad
	}
	w, st1 := parseQuantity(b[:sep], qCount)
	h, st2 := parseQuantity(b[sep+size:], qCount)
	if st1 != valueOK || st2 != valueOK || w != math.Trunc(w) || h != math.Trunc(h) {
		return 0, 0, valueBad
	}
	return w, h, valueOK
}

// pressureLevel reads a CPU pressure word.
func pressureLevel(b []byte) (float64, bool) {
	switch {
	case equalFold(b, "normal"), equalFold(b, "nominal"):
		return 0, true
	case equalFold(b, "fair"):
		return 1, true
	case equalFold(b, "serious"):
		return 2, true
	case equalFold(b, "critical"):
		return 3, true
	}
	return 0, false
}

// parseTime parses the timestamps Zoom sends: RFC 3339 with or without
// fractional seconds of any length and with Z or a numeric offset
// ("2021-06-24T20:00:00Z", "2022-03-01T10:16:00.0000000+00:00"). It also
// takes a space for the T and a missing zone, which is UTC. The result is
// in UTC.
func parseTime(b []byte) (time.Time, bool) {
	s := string(trimSpace(b))
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range [...]string{"2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
