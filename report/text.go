package report

import (
	"strings"
	"unicode/utf8"
)

// Strings from Zoom (names, topics, locations, PC names, ids) are shown
// in pages, e-mails and terminal tables. Anyone in a meeting chooses their
// own name, so such a string may hold anything: a right-to-left override
// that turns the rest of a line around, an escape sequence for the
// terminal, a line break, a hundred kilobytes. Every place that shows one
// takes it through DisplayText; the database and the exports keep it as
// Zoom sent it.

// DisplayLimit is how many characters of a string from Zoom a report, an
// e-mail or a terminal table shows; a longer one is cut, ending in "…".
const DisplayLimit = 200

// Isolating marks around a string drawn where there is no markup (a chart
// label on a canvas, a page's title): FIRST STRONG ISOLATE and POP
// DIRECTIONAL ISOLATE, so that a right-to-left name leaves the text
// around it in its order.
const (
	fsi = "\u2068"
	pdi = "\u2069"
)

// Isolate puts text shown as DisplayText shows it between isolating
// marks, for where no markup can isolate it: a chart's label drawn on a
// canvas, a page's title.
func Isolate(shown string) string { return fsi + shown + pdi }

// bidiControl reports whether r is an invisible control that changes the
// direction of the text around it: the embeddings and overrides
// (U+202A–U+202E), the isolates (U+2066–U+2069), the marks (U+200E,
// U+200F, U+061C).
func bidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// DisplayText returns s as zoomqos shows it: without bidi controls; with
// tabs and line breaks as spaces and the other C0 and C1 control
// characters made visible (a C0 control as its Control Picture, ␛ for
// ESC, the rest as U+FFFD), so that nothing in a name moves text, breaks
// a table or reaches a terminal as a command; invalid UTF-8 as U+FFFD;
// and cut to limit characters, the last of them "…". It never splits a
// UTF-8 sequence, and reads no more of s than it shows.
func DisplayText(s string, limit int) string {
	if plainText(s, limit) {
		return s
	}
	var b strings.Builder
	b.Grow(min(len(s), 4*limit))
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			r = utf8.RuneError
		case bidiControl(r):
			continue
		case r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029:
			r = ' '
		case r < 0x20:
			r = 0x2400 + r // U+2400 CONTROL PICTURE FOR NULL, ...
		case r == 0x7f:
			r = 0x2421 // SYMBOL FOR DELETE
		case r >= 0x80 && r <= 0x9f:
			r = utf8.RuneError
		}
		if n++; n == limit && i < len(s) && !onlyDropped(s[i:]) {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// plainText reports whether s is shown as it is: valid UTF-8 of at most
// limit characters, none of them a control.
func plainText(s string, limit int) bool {
	n := 0
	for _, r := range s {
		if n++; n > limit || r == utf8.RuneError || r < 0x20 || (r >= 0x7f && r <= 0x9f) ||
			bidiControl(r) || r == 0x2028 || r == 0x2029 {
			return false
		}
	}
	return true
}

// onlyDropped reports whether what is left of a string is all bidi
// controls, which DisplayText leaves out: then nothing is cut.
func onlyDropped(s string) bool {
	for _, r := range s {
		if !bidiControl(r) {
			return false
		}
	}
	return true
}
