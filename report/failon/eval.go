package failon

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Figures are a period's headline figures by the names of Names, in lower
// case, shares as fractions from 0 to 1. A name that is absent, or whose
// value is NaN, is a missing figure; names the language does not know are
// ignored.
type Figures map[string]float64

// Result is what an expression made of a period's figures.
type Result struct {
	// Tripped is whether the expression is true: the alert.
	Tripped bool
	// True are the comparisons that were true, worded for a person with
	// the figure's value, as "degraded 14.2% > 10%" or "mos 3.41 < 3.5":
	// shares in percent with one decimal, other figures with up to two,
	// more when fewer would hide why the comparison holds, and a rise of
	// a delta_ figure with its "+". Every true comparison is there, in the order
	// written and each once, also one under a not and one that did not
	// decide the result.
	True []string
	// NotEvaluated are the comparisons over a missing figure, as
	// "mos < 3.5", in the order written and each once. Each counted as
	// false.
	NotEvaluated []string
}

// Eval tells whether the expression is true of f. It looks at every
// comparison, so that Result lists all that were true and all that could
// not be evaluated.
func (e *Expr) Eval(f Figures) Result {
	var r Result
	r.Tripped = e.root.eval(f, &r)
	return r
}

// String is the result in one line, as "tripped: degraded 14.2% > 10%;
// not evaluated (figure missing): mos < 3.5".
func (r Result) String() string {
	var b strings.Builder
	switch {
	case r.Tripped && len(r.True) > 0:
		b.WriteString("tripped: " + strings.Join(r.True, ", "))
	case r.Tripped:
		b.WriteString("tripped")
	case len(r.True) > 0:
		b.WriteString("not tripped, though " + strings.Join(r.True, ", "))
	default:
		b.WriteString("not tripped")
	}
	if len(r.NotEvaluated) > 0 {
		b.WriteString("; not evaluated (figure missing): " + strings.Join(r.NotEvaluated, ", "))
	}
	return b.String()
}

func (n orNode) eval(f Figures, r *Result) bool {
	some := false
	for _, x := range n {
		if x.eval(f, r) {
			some = true
		}
	}
	return some
}

func (n andNode) eval(f Figures, r *Result) bool {
	all := true
	for _, x := range n {
		if !x.eval(f, r) {
			all = false
		}
	}
	return all
}

func (n notNode) eval(f Figures, r *Result) bool { return !n.x.eval(f, r) }

func (n cmpNode) eval(f Figures, r *Result) bool {
	v, ok := f[n.name.Name]
	if !ok || math.IsNaN(v) {
		if s := n.text(); !slices.Contains(r.NotEvaluated, s) {
			r.NotEvaluated = append(r.NotEvaluated, s)
		}
		return false
	}
	if !compare(n.op, v, n.val) {
		return false
	}
	if s := n.name.Name + " " + n.shown(v) + " " + n.op + " " + n.threshold(); !slices.Contains(r.True, s) {
		r.True = append(r.True, s)
	}
	return true
}

func (n cmpNode) text() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func compare(op string, a, b float64) bool {
	switch op {
	case ">":
		return a > b
	case ">=":
		return a >= b
	case "<":
		return a < b
	case "<=":
		return a <= b
	case "==":
		return a == b
	case "!=":
		return a != b
	}
	panic("failon: unknown operator " + op)
}

// shown is the figure's value v, for which the comparison holds, as the
// results word it: a share in percent with one decimal, another figure
// with up to two, and as many more decimals as it takes for the shown
// value to satisfy the comparison as well (not "mos 3.50 < 3.5").
func (n cmpNode) shown(v float64) string {
	x, t, decimals := v, n.val, 2
	if n.name.Share {
		x, decimals = v*100, 1
		t, _ = n.num.shift(2).float()
	}
	var s string
	for d := decimals; ; d++ {
		s = strconv.FormatFloat(x, 'f', d, 64)
		if !n.name.Share && strings.Contains(s, ".") {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		if shownValue, _ := strconv.ParseFloat(s, 64); compare(n.op, shownValue, t) {
			break
		}
		if d == 20 {
			s = strconv.FormatFloat(x, 'g', -1, 64)
			break
		}
	}
	if strings.HasPrefix(n.name.Name, DeltaPrefix) && x > 0 && !strings.HasPrefix(s, "+") {
		s = "+" + s
	}
	if n.name.Share {
		s += "%"
	}
	return s
}
