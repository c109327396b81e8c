package failon_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report/failon"
)

// What a user writes, and the canonical form it is read as: case,
// whitespace, "," and the units of numbers do not matter; parentheses stay
// only where they change the meaning.
func TestParse(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"degraded>10%", "degraded > 10%"},
		{"degraded > 0.1", "degraded > 10%"},
		{"degraded>=.5", "degraded >= 50%"},
		{"degraded<1", "degraded < 100%"},
		{"degraded<=0.001%", "degraded <= 0.001%"},
		{"worst_meeting==0.25", "worst_meeting == 25%"},
		{"sessions!=10%", "sessions != 0.1"},
		{"meetings>+007.50", "meetings > 7.5"},
		{"mos>-0.000", "mos > 0"},
		{"delta_mos<-.2", "delta_mos < -0.2"},
		{"delta_degraded>5%", "delta_degraded > 5%"},
		{"delta_degraded>-0.05", "delta_degraded > -5%"},
		{"incidents>=1", "incidents >= 1"},
		{"session_hours>12345678901234567890.123456789", "session_hours > 12345678901234567890.123456789"},
		{"DEGRADED>10% OR Mos<3.5", "degraded > 10% or mos < 3.5"},
		{"Delta_Degraded>5% AnD nOt incidents==0", "delta_degraded > 5% and not incidents == 0"},
		{"\tdegraded \n>\r\n 10% ,mos<3.5 ", "degraded > 10% or mos < 3.5"},
		{"degraded>10%,mos<3.5", "degraded > 10% or mos < 3.5"},
		{"NOT(degraded>1%)AND(mos<1)", "not degraded > 1% and mos < 1"},
		{"((degraded>1%))", "degraded > 1%"},
		{"(mos<3 or mos>4) and degraded>1%", "(mos < 3 or mos > 4) and degraded > 1%"},
		{"(mos<3 , mos>4) and degraded>1%", "(mos < 3 or mos > 4) and degraded > 1%"},
		{"(mos<3 and mos>1) or degraded>1%", "mos < 3 and mos > 1 or degraded > 1%"},
		{"mos<3 and (mos>1 and degraded>1%)", "mos < 3 and mos > 1 and degraded > 1%"},
		{"(mos<3 or mos>1) or degraded>1%", "mos < 3 or mos > 1 or degraded > 1%"},
		{"not (mos<3 and mos>1)", "not (mos < 3 and mos > 1)"},
		{"not (mos<3, mos>1)", "not (mos < 3 or mos > 1)"},
		{"(not mos<3)", "not mos < 3"},
		{"not not mos<3", "not not mos < 3"},
		{"mos<3 , not (degraded>1% and (incidents>0 or meetings>2))", "mos < 3 or not (degraded > 1% and (incidents > 0 or meetings > 2))"},
		{strings.Repeat("(", 50) + "mos>1" + strings.Repeat(")", 50), "mos > 1"},
		{strings.Repeat("not ", 50) + "mos>1", strings.Repeat("not ", 50) + "mos > 1"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			e, err := failon.Parse(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// Every way an expression is refused, each at its place and in one line.
func TestParseErrors(t *testing.T) {
	known := "(known: meetings, participants, sessions, session_hours, degraded, mos, incidents, worst_meeting, and each with delta_ before it, as delta_degraded)"
	for _, tc := range []struct{ src, want string }{
		{"", `at character 1: the expression is empty; write a comparison such as degraded>10%`},
		{" \t\n", `at character 1: the expression is empty; write a comparison such as degraded>10%`},
		{strings.Repeat(" ", 1000) + "x", `at character 1001: the expression is longer than 1000 bytes`},
		{strings.Repeat("é", 600), `at character 501: the expression is longer than 1000 bytes`},
		{strings.Repeat("mos>1,", 165) + "mos>1", `at character 1: the expression is 1822 bytes in canonical form, longer than 1000`},
		{strings.Repeat("(", 51) + "mos>1" + strings.Repeat(")", 51), `at character 51: nested deeper than 50 levels of parentheses and not`},
		{strings.Repeat("not ", 51) + "mos>1", `at character 201: nested deeper than 50 levels of parentheses and not`},
		{strings.Repeat("not (", 26) + "mos>1" + strings.Repeat(")", 26), `at character 126: nested deeper than 50 levels of parentheses and not`},
		{"mos>1 \xff", `at character 7: invalid UTF-8 (byte 0xff)`},
		{"é\xc3", `at character 2: invalid UTF-8 (byte 0xc3)`},
		{"mos<3.5\x1b[2J", `at character 8: control character U+001B is not allowed`},
		{"mos<3.5\x00", `at character 8: control character U+0000 is not allowed`},
		{"mos\x7f<3.5", `at character 4: control character U+007F is not allowed`},
		{"mos<3.5\u0085", `at character 8: control character U+0085 is not allowed`},
		{"degarded>10%", `at character 1: unknown figure "degarded" ` + known},
		{"mos>1 or delta>1", `at character 10: unknown figure "delta" ` + known},
		{strings.Repeat("x", 50) + ">1", `at character 1: unknown figure "` + strings.Repeat("x", 40) + `…" ` + known},
		{"degraded 10%", `at character 10: want an operator (>, >=, <, <=, ==, !=) after "degraded", got "10%"`},
		{"degraded", `at character 9: want an operator (>, >=, <, <=, ==, !=) after "degraded", got the end`},
		{"degraded>", `at character 10: want a number after ">"`},
		{"degraded >= ", `at character 13: want a number after ">="`},
		{"degraded>mos", `at character 10: want a number after ">", got "mos"`},
		{"degraded>>1", `at character 10: want a number after ">", got ">"`},
		{"degraded>(1)", `at character 10: want a number after ">", got "("`},
		{"mos>nan", `at character 5: "nan" is not a number to compare with; write a plain decimal number`},
		{"mos>Inf", `at character 5: "Inf" is not a number to compare with; write a plain decimal number`},
		{"mos>-infinity", `at character 5: "-infinity" is not a number to compare with; write a plain decimal number`},
		{"mos>+NaN%", `at character 5: "+NaN" is not a number to compare with; write a plain decimal number`},
		{"mos>1.2.3", `at character 5: malformed number "1.2.3"; write digits with an optional decimal point, as in 12 or 0.5`},
		{"mos>1e5", `at character 5: malformed number "1e5"; write digits with an optional decimal point, as in 12 or 0.5`},
		{"mos>5.", `at character 5: malformed number "5."; write digits with an optional decimal point, as in 12 or 0.5`},
		{"mos>.", `at character 5: malformed number "."; write digits with an optional decimal point, as in 12 or 0.5`},
		{"mos>0x10", `at character 5: malformed number "0x10"; write digits with an optional decimal point, as in 12 or 0.5`},
		{"mos>1and mos<2", `at character 5: malformed number "1and"; write digits with an optional decimal point, as in 12 or 0.5`},
		{"mos>1" + strings.Repeat("0", 309), `at character 5: number "1` + strings.Repeat("0", 39) + `…" is too large`},
		{"mos>- 1", `at character 5: "-" must be followed directly by its number`},
		{"mos>10 %", `at character 8: "%" must follow its number directly, as in degraded>10%`},
		{"mos>10%%", `at character 8: "%" must follow its number directly, as in degraded>10%`},
		{"mos=3", `at character 4: write "==" to compare for equality, not "="`},
		{"mos=>3", `at character 4: write "==" to compare for equality, not "="`},
		{"!mos>3", `at character 1: write "!=" for "not equal", or "not"`},
		{"mos>1 & mos<2", `at character 7: write "and", not "&"`},
		{"mos>1 && mos<2", `at character 7: write "and", not "&&"`},
		{"mos>1 || mos<2", `at character 7: write "or", not "||"`},
		{"mos>1 ; mos<2", `at character 7: unexpected character ";"`},
		{"mos\u00a0>1", `at character 4: unexpected character "\u00a0"`},
		{"mosé>1", `at character 4: unexpected character "é"`},
		{"mos>1 \u202e", `at character 7: unexpected character "\u202e"`},
		{"(mos>1", `at character 7: want ")" to close the "(" at character 1, got the end`},
		{"((mos>1) mos<2)", `at character 10: want ")" to close the "(" at character 1, got "mos"`},
		{"mos>1)", `at character 6: unexpected ")" with no "(" before it`},
		{"mos>1 mos<2", `at character 7: want "and", "or" or "," between comparisons, got "mos"`},
		{"mos>1 not mos<2", `at character 7: want "and", "or" or "," between comparisons, got "not"`},
		{"mos>1 and", `at character 10: want a comparison such as degraded>10% after "and"`},
		{"mos>1 or ", `at character 10: want a comparison such as degraded>10% after "or"`},
		{"mos>1,", `at character 7: want a comparison such as degraded>10% after ","`},
		{",mos>1", `at character 1: want a comparison such as degraded>10%, got ","`},
		{"()", `at character 2: want a comparison such as degraded>10% after "(", got ")"`},
		{"not", `at character 4: want a comparison such as degraded>10% after "not"`},
		{"and>1", `at character 1: want a comparison such as degraded>10%, got "and"`},
		{"10%<mos", `at character 1: want a comparison such as degraded>10%, got "10%"`},
		{"mos>1 and or mos<2", `at character 11: want a comparison such as degraded>10% after "and", got "or"`},
	} {
		t.Run(tc.src, func(t *testing.T) {
			e, err := failon.Parse(tc.src)
			if err == nil {
				t.Fatalf("accepted as %q", e)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			var fe *failon.Error
			if !errors.As(err, &fe) {
				t.Fatalf("%T is not an *Error", err)
			}
			if got, want := err.Error(), fe.Msg; !strings.HasSuffix(got, ": "+want) || strings.ContainsAny(got, "\n\r") {
				t.Errorf("%q is not one line ending in its Msg %q", got, want)
			}
		})
	}
}

// Every name the list gives is one an expression can use, whatever its
// case, and each headline figure has its change.
func TestNames(t *testing.T) {
	names := failon.Names()
	if got, want := len(names), 16; got != want {
		t.Fatalf("%d names, want %d", got, want)
	}
	share := map[string]bool{}
	for _, n := range names {
		if n.Name != strings.ToLower(n.Name) || n.Meaning == "" || strings.Contains(n.Meaning, "\n") {
			t.Errorf("%+v: want a lower-case name and a one-line meaning", n)
		}
		if _, dup := share[n.Name]; dup {
			t.Errorf("%s twice", n.Name)
		}
		share[n.Name] = n.Share
		for _, src := range []string{n.Name + ">1", strings.ToUpper(n.Name) + ">1"} {
			if _, err := failon.Parse(src); err != nil {
				t.Errorf("%s: %v", src, err)
			}
		}
	}
	for _, n := range []string{failon.Meetings, failon.Participants, failon.Sessions, failon.SessionHours,
		failon.Degraded, failon.MOS, failon.Incidents, failon.WorstMeeting} {
		s, ok := share[n]
		d, dok := share[failon.Delta(n)]
		if !ok || !dok || s != d {
			t.Errorf("%s: listed %v, its change listed %v, shares %v and %v", n, ok, dok, s, d)
		}
	}
	if !share[failon.Degraded] || !share[failon.WorstMeeting] || share[failon.MOS] || share[failon.Meetings] {
		t.Errorf("shares: %v", share)
	}
	names[0].Name = "changed"
	if failon.Names()[0].Name == "changed" {
		t.Error("Names gives the package's own list to be changed")
	}
}
