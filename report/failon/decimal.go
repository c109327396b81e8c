package failon

import (
	"strconv"
	"strings"
)

// decimal is a number exactly as written, normalised: no sign for zero, no
// leading zeros in whole, no trailing zeros in frac. Keeping the digits
// rather than a float64 lets the canonical form move a share's decimal
// point for "%" without rounding, so that writing an expression out and
// reading it back gives the very same float64.
type decimal struct {
	neg   bool
	whole string // "" is 0
	frac  string
}

// parseDecimal reads digits [ "." digits ] | "." digits after an optional
// sign; ok is false for anything else.
func parseDecimal(s string) (d decimal, ok bool) {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		d.neg = s[0] == '-'
		s = s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if !digitsOnly(whole) || !digitsOnly(frac) || whole == "" && frac == "" || dot && frac == "" {
		return decimal{}, false
	}
	d.whole, d.frac = whole, frac
	return d.norm(), true
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (d decimal) norm() decimal {
	d.whole = strings.TrimLeft(d.whole, "0")
	d.frac = strings.TrimRight(d.frac, "0")
	if d.whole == "" && d.frac == "" {
		d.neg = false
	}
	return d
}

// shift multiplies d by 10^k.
func (d decimal) shift(k int) decimal {
	for ; k > 0; k-- {
		if d.frac == "" {
			d.whole += "0"
		} else {
			d.whole += d.frac[:1]
			d.frac = d.frac[1:]
		}
	}
	for ; k < 0; k++ {
		if d.whole == "" {
			d.frac = "0" + d.frac
		} else {
			d.frac = d.whole[len(d.whole)-1:] + d.frac
			d.whole = d.whole[:len(d.whole)-1]
		}
	}
	return d.norm()
}

func (d decimal) String() string {
	s := d.whole
	if s == "" {
		s = "0"
	}
	if d.frac != "" {
		s += "." + d.frac
	}
	if d.neg {
		s = "-" + s
	}
	return s
}

// float is the float64 nearest d; ok is false when d is beyond float64's
// range.
func (d decimal) float() (v float64, ok bool) {
	v, err := strconv.ParseFloat(d.String(), 64)
	return v, err == nil
}
