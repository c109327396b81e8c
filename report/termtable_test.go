package report_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/zoomqos/zoomqos/report"
)

func TestDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{
		"":               0,
		"Ana":            3,
		"Zoë":            3,
		"Zoe\u0308":      3, // e and a combining diaeresis
		"名前":             4,
		"🎉":              2,
		"❤\ufe0f":        1, // a variation selector takes no column
		"ＡＢ":             4, // full-width
		"Ünïcødé 名前 🎉 x": 17,
	} {
		if got := report.DisplayWidth(s); got != want {
			t.Errorf("DisplayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

// Names in any script leave the columns after them in line, as a
// terminal shows them; ASCII tables come out as text/tabwriter makes them.
func TestTableWriterAligns(t *testing.T) {
	rows := [][]string{{"PARTICIPANT", "NAME", "JOINED", "SAMPLES"}, {"p-one", "Ünïcødé 名前 🎉", "10:00:10", "1"},
		{"p-two", "Zoe\u0308 O'Brien", "10:00:30", "4"}, {"p-three", "Ana", "10:01:00", "12"}}
	var b bytes.Buffer
	tw := report.NewTableWriter(&b, 2)
	fmt.Fprintln(tw, "Sessions")
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	fmt.Fprintln(tw, "\nthe end")
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if lines[0] != "Sessions" || lines[len(lines)-2] != "the end" {
		t.Errorf("lines without cells changed: %q", b.String())
	}
	// Where JOINED begins, in terminal columns, on every row.
	var at []int
	for i, line := range lines[1 : 1+len(rows)] {
		j := strings.Index(line, rows[i][2])
		at = append(at, report.DisplayWidth(line[:j]))
	}
	for i := range at {
		if at[i] != at[0] {
			t.Errorf("JOINED begins at column %v on the rows: not in line\n%s", at, b.String())
			break
		}
	}

	// ASCII: the same bytes as text/tabwriter.
	var want, got bytes.Buffer
	ascii := "a\tbb\tccc\n1234\t5\t6\n\nx\ty\nlonger line\tz\n"
	tabw := tabwriter.NewWriter(&want, 0, 4, 2, ' ', 0)
	tabw.Write([]byte(ascii))
	tabw.Flush()
	ours := report.NewTableWriter(&got, 2)
	ours.Write([]byte(ascii))
	ours.Flush()
	if got.String() != want.String() {
		t.Errorf("ASCII table:\n%q\nwant (text/tabwriter)\n%q", got.String(), want.String())
	}
}
