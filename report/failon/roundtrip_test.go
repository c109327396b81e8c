package failon_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report/failon"
)

// thresholds are numbers as a fraction and as a percentage of the same.
var thresholds = []struct{ frac, pct string }{
	{"0", "0"}, {"0.1", "10"}, {"0.142", "14.2"}, {"0.05", "5"}, {"-0.05", "-5"},
	{"3.5", "350"}, {"12", "1200"}, {"0.001", "0.1"}, {"0.3", "30"}, {"1", "100"},
	{"0.000123", "0.0123"}, {"123456.789", "12345678.9"},
}

// gen writes random expressions in every way the language allows (case,
// spaces, "," or "or", "%" or not, parentheses that are not needed) and
// evaluates what each was meant to say, independently of the package.
type gen struct {
	r     *rand.Rand
	names []failon.Name
}

// expr writes a random expression of at most depth levels for a parent
// that binds as tightly as prec (1 or, 2 and, 3 not), and its meaning.
func (g gen) expr(depth, prec int) (string, func(failon.Figures) bool) {
	k := 4
	if depth > 0 {
		k = 1 + g.r.IntN(4)
	}
	var src string
	var eval func(failon.Figures) bool
	switch k {
	case 1, 2: // or, and
		n := 2 + g.r.IntN(3)
		var parts []string
		var evals []func(failon.Figures) bool
		for range n {
			s, e := g.expr(depth-1, k+1)
			parts, evals = append(parts, s), append(evals, e)
		}
		sep := []string{g.word("and")}
		if k == 1 {
			sep = []string{g.word("or"), g.sp() + "," + g.sp()}
		}
		for i, p := range parts {
			if i > 0 {
				src += sep[g.r.IntN(len(sep))]
			}
			src += p
		}
		eval = func(f failon.Figures) bool {
			for _, e := range evals {
				if e(f) == (k == 1) {
					return k == 1
				}
			}
			return k != 1
		}
	case 3: // not
		s, e := g.expr(depth-1, 3)
		src = strings.TrimLeft(g.word("not"), " \t\n") + s
		eval = func(f failon.Figures) bool { return !e(f) }
	default:
		src, eval = g.comparison()
	}
	if k < prec || g.r.IntN(8) == 0 {
		src = "(" + g.sp() + src + g.sp() + ")"
	}
	return src, eval
}

func (g gen) comparison() (string, func(failon.Figures) bool) {
	n := g.names[g.r.IntN(len(g.names))]
	ops := []string{">", ">=", "<", "<=", "==", "!="}
	op := ops[g.r.IntN(len(ops))]
	th := thresholds[g.r.IntN(len(thresholds))]
	num := th.frac
	if g.r.IntN(2) == 0 {
		num = th.pct + "%"
	}
	if !strings.HasPrefix(num, "-") && g.r.IntN(4) == 0 {
		num = "+" + num
	}
	want, _ := strconv.ParseFloat(th.frac, 64)
	src := g.cased(n.Name) + g.sp() + op + g.sp() + num
	return src, func(f failon.Figures) bool {
		v, ok := f[n.Name]
		if !ok || math.IsNaN(v) {
			return false
		}
		switch op {
		case ">":
			return v > want
		case ">=":
			return v >= want
		case "<":
			return v < want
		case "<=":
			return v <= want
		case "==":
			return v == want
		}
		return v != want
	}
}

func (g gen) sp() string { return []string{"", "", " ", "  ", "\t", "\n"}[g.r.IntN(6)] }

func (g gen) word(w string) string { return " " + g.sp() + g.cased(w) + " " + g.sp() }

func (g gen) cased(s string) string {
	switch g.r.IntN(4) {
	case 0:
		return strings.ToUpper(s)
	case 1:
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

// figures are random figures: some missing, some NaN, many at or next to
// a threshold, where a number read wrong by one bit would show.
func (g gen) figures() failon.Figures {
	f := failon.Figures{}
	for _, n := range g.names {
		th, _ := strconv.ParseFloat(thresholds[g.r.IntN(len(thresholds))].frac, 64)
		switch g.r.IntN(10) {
		case 0, 1:
		case 2:
			f[n.Name] = math.NaN()
		case 3, 4, 5:
			f[n.Name] = th
		case 6:
			f[n.Name] = math.Nextafter(th, math.Inf(1))
		case 7:
			f[n.Name] = math.Nextafter(th, math.Inf(-1))
		default:
			f[n.Name] = g.r.Float64()*20 - 2
		}
	}
	return f
}

// Whatever way an expression is written, it means what it says, its
// canonical form reads back as itself, and both give the same results.
func TestRoundTrip(t *testing.T) {
	g := gen{r: rand.New(rand.NewPCG(14, 4)), names: failon.Names()}
	for i := range 3000 {
		src, want := g.expr(g.r.IntN(5), 1)
		for len(src) > failon.MaxLen/2 {
			src, want = g.expr(g.r.IntN(5), 1)
		}
		e, err := failon.Parse(src)
		if err != nil {
			t.Fatalf("%d: %q: %v", i, src, err)
		}
		canon := e.String()
		e2, err := failon.Parse(canon)
		if err != nil {
			t.Fatalf("%q written as %q: %v", src, canon, err)
		}
		if got := e2.String(); got != canon {
			t.Fatalf("%q written as %q, read back as %q", src, canon, got)
		}
		for range 10 {
			f := g.figures()
			r, r2 := e.Eval(f), e2.Eval(f)
			if r.Tripped != want(f) {
				t.Fatalf("%q over %v: tripped %v, want %v", src, f, r.Tripped, want(f))
			}
			if !reflect.DeepEqual(r, r2) {
				t.Fatalf("%q over %v: %v, but written as %q: %v", src, f, r, canon, r2)
			}
		}
	}
}
