package report

import (
	"bytes"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// TableWriter aligns the cells of terminal tables as text/tabwriter does
// (cells end in a tab; consecutive lines with tabs are a block whose
// columns share a width; the text after a line's last tab is not
// aligned), but measures a cell by the columns it takes on a terminal,
// not by its runes: a name in Chinese or with an emoji takes two columns
// a character, a combining accent none, and the columns after it stay in
// line. Write everything, then Flush.
type TableWriter struct {
	w       io.Writer
	padding int
	buf     bytes.Buffer
}

// NewTableWriter returns a TableWriter on w that puts padding spaces after
// the widest cell of each column.
func NewTableWriter(w io.Writer, padding int) *TableWriter {
	return &TableWriter{w: w, padding: padding}
}

func (t *TableWriter) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush writes what was written, aligned.
func (t *TableWriter) Flush() error {
	text := t.buf.String()
	t.buf.Reset()
	lines := strings.SplitAfter(text, "\n")
	var out strings.Builder
	for i := 0; i < len(lines); {
		if !strings.Contains(lines[i], "\t") {
			out.WriteString(lines[i])
			i++
			continue
		}
		// A block: consecutive lines with cells.
		j := i
		var rows [][]string
		for ; j < len(lines) && strings.Contains(lines[j], "\t"); j++ {
			rows = append(rows, strings.Split(lines[j], "\t"))
		}
		var widths []int
		for _, cells := range rows {
			for c, cell := range cells[:len(cells)-1] {
				if c == len(widths) {
					widths = append(widths, 0)
				}
				widths[c] = max(widths[c], DisplayWidth(cell))
			}
		}
		for _, cells := range rows {
			last := len(cells) - 1
			for c, cell := range cells[:last] {
				out.WriteString(cell)
				out.WriteString(strings.Repeat(" ", widths[c]-DisplayWidth(cell)+t.padding))
			}
			out.WriteString(cells[last])
		}
		i = j
	}
	_, err := io.WriteString(t.w, out.String())
	return err
}

// DisplayWidth is how many columns s takes on a terminal: two for a wide
// or full-width character (CJK, most emoji), none for a combining mark, a
// zero-width joiner or a variation selector, one for the rest.
func DisplayWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r < 0x300:
			n++ // ASCII and Latin-1, at a glance
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) || unicode.Is(unicode.Variation_Selector, r):
		default:
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				n += 2
			default:
				n++
			}
		}
	}
	return n
}
