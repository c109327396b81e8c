package failon

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Error is why an expression was refused: where, and what was wanted there.
type Error struct {
	Pos int    // 1-based character position in the expression; its length plus one is its end
	Msg string // one line, without the position
}

func (e *Error) Error() string { return fmt.Sprintf("at character %d: %s", e.Pos, e.Msg) }

// charPos is the 1-based character position of the byte at off in src.
func charPos(src string, off int) int {
	for off > 0 && off < len(src) && !utf8.RuneStart(src[off]) {
		off--
	}
	return utf8.RuneCountInString(src[:off]) + 1
}

// quote shows a piece of the expression in an error, cut short when long,
// in Go's quoting so that nothing in it breaks the line.
func quote(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	return strconv.Quote(s)
}
