package report_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zoomqos/zoomqos/report"
)

func TestDisplayText(t *testing.T) {
	for _, c := range []struct {
		in    string
		limit int
		want  string
	}{
		{"Ada Lovelace", 200, "Ada Lovelace"},
		{"Eve \u202Egnp.exe\u202C", 200, "Eve gnp.exe"},
		{"\u2066a\u2067b\u2068c\u2069\u200e\u200f\u061c\u202a\u202b\u202d", 200, "abc"},
		{"Trudy\r\nFAKE\tROW\u2028\u2029\v\f", 200, "Trudy  FAKE ROW    "},
		{"Mallory\x1b[2J\x00\x07\x7f", 200, "Mallory␛[2J␀␇␡"},
		{"Oscar\u009b31m\u0085", 200, "Oscar\uFFFD31m "},
		{"bad \xff\xfe utf-8", 200, "bad \uFFFD\uFFFD utf-8"},
		{"abcdef", 4, "abc…"},
		{"abcd", 4, "abcd"},
		{"abcd\u202e\u202c", 4, "abcd"}, // what is dropped is not cut
		{"ÄÖÜßé", 3, "ÄÖ…"},
		{"日本語のテキスト", 5, "日本語の…"},
		{"😀😀😀😀", 2, "😀…"},
	} {
		if got := report.DisplayText(c.in, c.limit); got != c.want {
			t.Errorf("DisplayText(%q, %d) = %q, want %q", c.in, c.limit, got, c.want)
		}
	}
	long := strings.Repeat("é", 100_000)
	got := report.DisplayText(long, report.DisplayLimit)
	if !utf8.ValidString(got) || utf8.RuneCountInString(got) != report.DisplayLimit || !strings.HasSuffix(got, "é…") {
		t.Errorf("a 100,000-character name is shown as %d characters: %.20q…", utf8.RuneCountInString(got), got)
	}
}
