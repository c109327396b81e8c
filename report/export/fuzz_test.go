package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report/reporttest"
)

// formulaStarts are the characters a spreadsheet takes a cell beginning
// with for a formula (OWASP's list).
const formulaStarts = "=+-@\t\r\n"

// The fuzz target gives the CSV of the dump and the export any text:
// go test ./report/export -run X -fuzz FuzzCSVText.

// Whatever the text, its CSV cell reads back as a cell no spreadsheet
// takes for a formula, and dropping the guard's apostrophe gives the text
// back exactly.
func FuzzCSVText(f *testing.F) {
	reporttest.FuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s, _ string) {
		want := strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
		line := append(appendField(nil, s, true), ",1\n"...)
		rec, err := csv.NewReader(bytes.NewReader(line)).Read()
		if err != nil || len(rec) != 2 {
			t.Fatalf("%q: the CSV line %q reads as %q, %v", s, line, rec, err)
		}
		cell := rec[0]
		if cell != "" && strings.IndexByte(formulaStarts, cell[0]) >= 0 {
			t.Fatalf("%q: the cell %q begins a formula", s, cell)
		}
		got := cell
		if len(cell) > 1 && cell[0] == '\'' && strings.IndexByte(formulaStarts+"'", cell[1]) >= 0 {
			got = cell[1:]
		}
		// encoding/csv turns \r\n inside a quoted field into \n.
		if got != want && got != strings.ReplaceAll(want, "\r\n", "\n") {
			t.Fatalf("%q: the cell %q reads back as %q", s, cell, got)
		}
	})
}
