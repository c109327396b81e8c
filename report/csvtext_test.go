package report_test

import (
	"testing"

	"github.com/zoomqos/zoomqos/report"
)

func TestCSVText(t *testing.T) {
	for in, want := range map[string]string{
		"":            "",
		"Ada":         "Ada",
		"=1+1":        "'=1+1",
		"+1 555":      "'+1 555",
		"-x":          "'-x",
		"@x":          "'@x",
		"\tx":         "'\tx",
		"\rx":         "'\rx",
		"\nx":         "'\nx",
		"'":           "'",
		"'a":          "'a",
		"'=a":         "''=a",
		"''":          "'''",
		"a=b":         "a=b",
		" =1":         " =1",
		"O'Brien":     "O'Brien",
		"１=fullw":     "１=fullw",
		"nul\x00byte": "nul\uFFFDbyte",
	} {
		if got := report.CSVText(in); got != want {
			t.Errorf("CSVText(%q) = %q, want %q", in, got, want)
		}
	}
}
