package secret

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Reading text with its escapes undone (URL-encoding, JSON escapes, one
// or two layers in either order), so that a secret escaped in any way is
// found.

// view is text as Scrub reads it: the original, or what undoing escapes
// made of it, with the original bytes each of its bytes comes from.
type view struct {
	text     string
	from, to []int32 // byte i of text comes from original[from[i]:to[i]]; nil: text is the original
}

// span is the span of the original text that v.text[sp.from:sp.to] comes from.
func (v view) span(sp span) span {
	if v.from == nil {
		return sp
	}
	return span{int(v.from[sp.from]), int(v.to[sp.to-1])}
}

// viewsOf are the views of base's text with one or two layers of escapes
// undone, URL-encoding and JSON's in either order: those that differ from
// it and from each other, each mapped to the original text.
func viewsOf(base view) []view {
	var out []view
	seen := map[string]bool{base.text: true}
	layer := func(v view) []view {
		var next []view
		for _, pct := range []bool{true, false} {
			if d, ok := decode(v, pct); ok && !seen[d.text] {
				seen[d.text] = true
				next = append(next, d)
			}
		}
		return next
	}
	for _, v := range layer(base) {
		out = append(out, v)
		out = append(out, layer(v)...)
	}
	return out
}

// decode undoes one layer of escapes in v: %XX (pct), or JSON's.
func decode(v view, pct bool) (view, bool) {
	t := v.text
	if pct && !strings.Contains(t, "%") || !pct && !strings.Contains(t, `\`) {
		return v, false
	}
	out := make([]byte, 0, len(t))
	from := make([]int32, 0, len(t))
	to := make([]int32, 0, len(t))
	orig := func(i int) (int32, int32) {
		if v.from == nil {
			return int32(i), int32(i + 1)
		}
		return v.from[i], v.to[i]
	}
	changed := false
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(t); {
		var dec []byte
		n := 0
		switch {
		case pct && t[i] == '%' && i+2 < len(t) && isHex(t[i+1]) && isHex(t[i+2]):
			buf[0] = unhex(t[i+1])<<4 | unhex(t[i+2])
			dec, n = buf[:1], 3
		case !pct && t[i] == '\\':
			dec, n = unescapeJSON(t[i:], buf[:0])
		}
		if n == 0 {
			dec, n = []byte{t[i]}, 1
		} else {
			changed = true
		}
		f, _ := orig(i)
		_, e := orig(i + n - 1)
		for _, c := range dec {
			out = append(out, c)
			from = append(from, f)
			to = append(to, e)
		}
		i += n
	}
	if !changed {
		return v, false
	}
	return view{text: string(out), from: from, to: to}, true
}

// unescapeJSON reads the JSON escape that t begins with (t[0] is a
// backslash) into buf; n is its length, 0 when it is none.
func unescapeJSON(t string, buf []byte) (dec []byte, n int) {
	if len(t) < 2 {
		return nil, 0
	}
	switch c := t[1]; c {
	case '"', '\\', '/':
		return append(buf, c), 2
	case 'b':
		return append(buf, '\b'), 2
	case 'f':
		return append(buf, '\f'), 2
	case 'n':
		return append(buf, '\n'), 2
	case 'r':
		return append(buf, '\r'), 2
	case 't':
		return append(buf, '\t'), 2
	case 'u':
		r, ok := hex4(t[2:])
		if !ok {
			return nil, 0
		}
		n = 6
		if utf16.IsSurrogate(r) {
			// A pair makes one character; a surrogate alone reads as
			// U+FFFD, as encoding/json reads it.
			r2, ok := rune(0), false
			if len(t) >= 12 && t[6] == '\\' && t[7] == 'u' {
				r2, ok = hex4(t[8:])
			}
			if d := utf16.DecodeRune(r, r2); ok && d != utf8.RuneError {
				r, n = d, 12
			} else {
				r = utf8.RuneError
			}
		}
		return utf8.AppendRune(buf, r), n
	}
	return nil, 0
}

func hex4(t string) (rune, bool) {
	if len(t) < 4 {
		return 0, false
	}
	var r rune
	for i := range 4 {
		if !isHex(t[i]) {
			return 0, false
		}
		r = r<<4 | rune(unhex(t[i]))
	}
	return r, true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
