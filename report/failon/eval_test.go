package failon_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/zoomqos/zoomqos/report/failon"
)

func TestEval(t *testing.T) {
	type F = failon.Figures
	for _, tc := range []struct {
		name string
		src  string
		f    F
		want failon.Result
	}{
		{"share in percent", "degraded>10%", F{"degraded": 0.142},
			failon.Result{Tripped: true, True: []string{"degraded 14.2% > 10%"}}},
		{"share written as a fraction", "degraded>0.1", F{"degraded": 0.142},
			failon.Result{Tripped: true, True: []string{"degraded 14.2% > 10%"}}},
		{"below the threshold", "degraded>10%", F{"degraded": 0.09},
			failon.Result{}},
		{"one decimal, and more when it hides why", "degraded>10%", F{"degraded": 0.10004},
			failon.Result{Tripped: true, True: []string{"degraded 10.004% > 10%"}}},
		{"equal", "degraded==10%", F{"degraded": 0.1},
			failon.Result{Tripped: true, True: []string{"degraded 10.0% == 10%"}}},
		{"at the threshold", "degraded>10%", F{"degraded": 0.1},
			failon.Result{}},
		{"at the threshold, or above", "degraded>=10%", F{"degraded": 0.1},
			failon.Result{Tripped: true, True: []string{"degraded 10.0% >= 10%"}}},
		{"plain numbers", "meetings>10, session_hours>100", F{"meetings": 12, "session_hours": 123.456},
			failon.Result{Tripped: true, True: []string{"meetings 12 > 10", "session_hours 123.46 > 100"}}},
		{"plain numbers with the decimals it takes", "mos<3.5", F{"mos": 3.49999},
			failon.Result{Tripped: true, True: []string{"mos 3.49999 < 3.5"}}},
		{"% of a plain number", "sessions<10%", F{"sessions": 0.05},
			failon.Result{Tripped: true, True: []string{"sessions 0.05 < 0.1"}}},
		{"a change of a share, in points, signed", "delta_degraded>5%", F{"delta_degraded": 0.061},
			failon.Result{Tripped: true, True: []string{"delta_degraded +6.1% > 5%"}}},
		{"a fall", "delta_mos<-0.2", F{"delta_mos": -0.3},
			failon.Result{Tripped: true, True: []string{"delta_mos -0.3 < -0.2"}}},
		{"a fall of a share", "delta_degraded<-1%", F{"delta_degraded": -0.02},
			failon.Result{Tripped: true, True: []string{"delta_degraded -2.0% < -1%"}}},
		{"names in any case", "DEGRADED>10% AND Mos<3.5", F{"degraded": 0.2, "mos": 3},
			failon.Result{Tripped: true, True: []string{"degraded 20.0% > 10%", "mos 3 < 3.5"}}},

		{"and before or", "mos<3 or mos>4 and degraded>1%", F{"mos": 2, "degraded": 0},
			failon.Result{Tripped: true, True: []string{"mos 2 < 3"}}},
		{"and before or, the other way", "mos>4 and degraded>1% or mos<3", F{"mos": 2, "degraded": 0},
			failon.Result{Tripped: true, True: []string{"mos 2 < 3"}}},
		{"not before and", "not mos<3 and degraded>1%", F{"mos": 4, "degraded": 0},
			failon.Result{}},
		{"comma after and", "mos<3 and mos>4, degraded>1%", F{"mos": 5, "degraded": 0.5},
			failon.Result{Tripped: true, True: []string{"mos 5 > 4", "degraded 50.0% > 1%"}}},
		{"comma is or", "mos<3, degraded>1% and incidents>0", F{"mos": 2, "degraded": 0, "incidents": 0},
			failon.Result{Tripped: true, True: []string{"mos 2 < 3"}}},
		{"parentheses first", "(mos<3 or mos>4) and degraded>1%", F{"mos": 2, "degraded": 0},
			failon.Result{True: []string{"mos 2 < 3"}}},
		{"not of a group", "not (mos<3 and degraded>1%)", F{"mos": 2, "degraded": 0.5},
			failon.Result{True: []string{"mos 2 < 3", "degraded 50.0% > 1%"}}},
		{"each true comparison once", "mos<3 or mos<3", F{"mos": 2},
			failon.Result{Tripped: true, True: []string{"mos 2 < 3"}}},

		{"missing figure", "mos<3.5", F{"degraded": 0.2},
			failon.Result{NotEvaluated: []string{"mos < 3.5"}}},
		{"missing figure beside a true one", "mos<3.5, degraded>10%", F{"degraded": 0.2},
			failon.Result{Tripped: true, True: []string{"degraded 20.0% > 10%"}, NotEvaluated: []string{"mos < 3.5"}}},
		{"missing figure under and", "degraded>10% and delta_degraded>5%", F{"degraded": 0.2},
			failon.Result{True: []string{"degraded 20.0% > 10%"}, NotEvaluated: []string{"delta_degraded > 5%"}}},
		{"NaN is missing", "mos<3.5", F{"mos": math.NaN()},
			failon.Result{NotEvaluated: []string{"mos < 3.5"}}},
		{"missing under not is false, negated", "not mos<3.5", F{},
			failon.Result{Tripped: true, NotEvaluated: []string{"mos < 3.5"}}},
		{"each missing comparison once, in the order written", "Mos<3 or delta_mos<0 or mos<3", nil,
			failon.Result{NotEvaluated: []string{"mos < 3", "delta_mos < 0"}}},
		{"unknown figures ignored", "mos<3", F{"MOS": 2, "quality": 1},
			failon.Result{NotEvaluated: []string{"mos < 3"}}},
		{"infinite figures compare", "session_hours>1000000", F{"session_hours": math.Inf(1)},
			failon.Result{Tripped: true, True: []string{"session_hours +Inf > 1000000"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := failon.Parse(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Eval(tc.f); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s over %v:\ngot  %#v\nwant %#v", tc.src, tc.f, got, tc.want)
			}
		})
	}
}

func TestResultString(t *testing.T) {
	for _, tc := range []struct {
		r    failon.Result
		want string
	}{
		{failon.Result{Tripped: true, True: []string{"degraded 14.2% > 10%", "mos 3 < 3.5"}},
			"tripped: degraded 14.2% > 10%, mos 3 < 3.5"},
		{failon.Result{Tripped: true, NotEvaluated: []string{"mos < 3.5"}},
			"tripped; not evaluated (figure missing): mos < 3.5"},
		{failon.Result{True: []string{"mos 3 < 3.5"}, NotEvaluated: []string{"delta_degraded > 5%"}},
			"not tripped, though mos 3 < 3.5; not evaluated (figure missing): delta_degraded > 5%"},
		{failon.Result{}, "not tripped"},
	} {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
