package secret

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
)

// Reveals reports whether text gives sec away in a form a reader can
// undo: as it is, URL-encoded, JSON-escaped (any escape of any
// character), both in either order, or inside base64 (either alphabet,
// any alignment, padded or not). It decodes rather than encodes, with
// decoders of its own, so that tests can check Scrub, and anything else,
// with a method of its own. Text inside a Redacted marker does not count.
func Reveals(text, sec string) bool {
	if sec == "" {
		return false
	}
	forms := append(variants(sec), strings.ReplaceAll(sec, " ", "+"))
	return reveals(text, func(s string) bool {
		for _, f := range forms {
			if strings.Contains(s, f) {
				return true
			}
		}
		return false
	})
}

// RevealsPart reports whether text gives away, in any form Reveals
// undoes, a run of MinRun bytes or more from anywhere in sec (the whole of
// it, if it is shorter): what a server that quotes a credential cut short,
// or a piece of it, shows.
func RevealsPart(text, sec string) bool {
	if sec == "" {
		return false
	}
	var parts []string
	for _, f := range []string{sec, strings.ReplaceAll(sec, " ", "+")} {
		parts = append(parts, runs(f)...)
	}
	return reveals(text, func(s string) bool {
		for _, r := range parts {
			if strings.Contains(s, r) {
				return true
			}
		}
		return false
	})
}

// reveals applies has to every decoding of the text between Redacted
// markers, and of the base64 runs in it.
func reveals(text string, has func(string) bool) bool {
	for piece := range strings.SplitSeq(text, Redacted) {
		if revealsPiece(piece, has) {
			return true
		}
	}
	return false
}

func revealsPiece(text string, has func(string) bool) bool {
	for _, v := range decodings(text) {
		if has(v) {
			return true
		}
		norm := strings.NewReplacer("-", "+", "_", "/").Replace(v)
		for _, run := range strings.FieldsFunc(norm, func(r rune) bool { return r > 0x7f || !isBase64(byte(r)) }) {
			for off := range 4 {
				if off >= len(run) {
					break
				}
				seg := run[off:]
				if len(seg)%4 == 1 {
					seg = seg[:len(seg)-1]
				}
				b, err := base64.RawStdEncoding.DecodeString(seg)
				if err != nil {
					continue
				}
				for _, d := range decodings(string(b)) {
					if has(d) {
						return true
					}
				}
			}
		}
	}
	return false
}

// decodings are text and what undoing URL and JSON escapes, one or two
// layers in any order, makes of it.
func decodings(text string) []string {
	out := []string{text}
	for _, a := range []func(string) string{percentDecode, jsonDecode} {
		x := a(text)
		out = append(out, x)
		for _, b := range []func(string) string{percentDecode, jsonDecode} {
			out = append(out, b(x))
		}
	}
	return out
}

// percentDecode undoes %XX escapes (either case), leaving malformed
// escapes as they are, and "+" (Reveals looks for a query-escaped space
// as "+").
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if u, err := url.PathUnescape(s[i : i+3]); err == nil {
				b.WriteString(u)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var jsonEscapes = regexp.MustCompile(`(\\u[0-9A-Fa-f]{4})+|\\["\\/bfnrt]`)

// jsonDecode undoes JSON's escapes wherever they are, as encoding/json
// reads them inside a string; the text around them is left as it is.
func jsonDecode(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return jsonEscapes.ReplaceAllStringFunc(s, func(e string) string {
		var v string
		if json.Unmarshal([]byte(`"`+e+`"`), &v) != nil {
			return e
		}
		return v
	})
}
