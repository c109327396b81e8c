package failon

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz target gives Parse any text a user or a script could pass to
// --fail-on: go test ./report/failon -run X -fuzz FuzzParse.

// Whatever the text, Parse answers without panicking: either an *Error in
// one line at a place within the text (or just past its end), or an
// expression whose canonical form reads back as itself and gives the same
// results over any figures, those right at its thresholds included.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"degraded>10%",
		"degraded > 10%, mos < 3.5",
		"delta_degraded>5% and not incidents==0",
		"(degraded>10% or worst_meeting>50%) and sessions>=20",
		"NOT(Mos<=+3.50)AND(delta_mos!=-.2)",
		"session_hours>12345678901234567890.5 , meetings<0.0001%",
		"not not (mos<3 , mos>4) and degraded==0.142",
		"degraded>", "mos>1e5", "mos>nan", "mos = 3", "(mos>1", "mos>1)", "mos>1 mos<2",
		"mos>1 && mos<2", "mos\xff>1", "mos>1\x1b", "", "((((((mos>1))))))", "é>1",
	} {
		f.Add(s, uint64(len(s)))
	}
	f.Fuzz(func(t *testing.T, src string, seed uint64) {
		e, err := Parse(src)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("%q: %T is not an *Error: %v", src, err, err)
			}
			if fe.Pos < 1 || fe.Pos > utf8.RuneCountInString(src)+1 {
				t.Fatalf("%q (%d characters): error at %d: %v", src, utf8.RuneCountInString(src), fe.Pos, err)
			}
			if fe.Msg == "" || strings.ContainsAny(err.Error(), "\n\r") || !utf8.ValidString(err.Error()) {
				t.Fatalf("%q: error not one readable line: %q", src, err.Error())
			}
			return
		}
		if len(src) > MaxLen {
			t.Fatalf("%d bytes accepted", len(src))
		}
		canon := e.String()
		e2, err := Parse(canon)
		if err != nil {
			t.Fatalf("%q written as %q: %v", src, canon, err)
		}
		if got := e2.String(); got != canon {
			t.Fatalf("%q written as %q, read back as %q", src, canon, got)
		}
		var ths []float64
		collect(e.root, &ths)
		r := rand.New(rand.NewPCG(seed, 14))
		for range 8 {
			fig := figuresNear(r, ths)
			r1, r2 := e.Eval(fig), e2.Eval(fig)
			if !reflect.DeepEqual(r1, r2) {
				t.Fatalf("%q over %v: %v, but written as %q: %v", src, fig, r1, canon, r2)
			}
			if s := r1.String(); strings.ContainsAny(s, "\n\r") {
				t.Fatalf("%q over %v: result not one line: %q", src, fig, s)
			}
		}
	})
}

// collect gathers the numbers an expression compares with.
func collect(n node, ths *[]float64) {
	switch n := n.(type) {
	case orNode:
		for _, x := range n {
			collect(x, ths)
		}
	case andNode:
		for _, x := range n {
			collect(x, ths)
		}
	case notNode:
		collect(n.x, ths)
	case cmpNode:
		*ths = append(*ths, n.val)
	}
}

// figuresNear are random figures, many of them at or next to one of the
// thresholds, some missing, NaN or infinite.
func figuresNear(r *rand.Rand, ths []float64) Figures {
	f := Figures{}
	for _, n := range names {
		th := 0.1
		if len(ths) > 0 {
			th = ths[r.IntN(len(ths))]
		}
		switch r.IntN(10) {
		case 0:
		case 1:
			f[n.Name] = math.NaN()
		case 2:
			f[n.Name] = math.Inf(1 - 2*r.IntN(2))
		case 3, 4, 5:
			f[n.Name] = th
		case 6:
			f[n.Name] = math.Nextafter(th, math.Inf(1))
		case 7:
			f[n.Name] = math.Nextafter(th, math.Inf(-1))
		default:
			f[n.Name] = r.NormFloat64() * 100
		}
	}
	return f
}
