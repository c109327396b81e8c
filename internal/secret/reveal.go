package secret

import (
	"encoding/base64"
	"net/url"
	"strings"
)

// Reveals reports whether text gives sec away in a form a reader can
// undo: as it is, URL-encoded, JSON-escaped, or inside base64 (either
// alphabet, any alignment, padded or not). It decodes rather than
// encodes, so that tests can check Scrub, and anything else, with a
// method of its own. Text inside a Redacted marker does not count.
func Reveals(text, sec string) bool {
	if sec == "" {
		return false
	}
	text = strings.ReplaceAll(text, Redacted, "\x00")
	forms := variants(sec)
	has := func(s string) bool {
		for _, f := range forms {
			if strings.Contains(s, f) {
				return true
			}
		}
		return false
	}
	if has(text) || has(percentDecode(text)) {
		return true
	}
	norm := strings.NewReplacer("-", "+", "_", "/").Replace(text)
	for _, run := range strings.FieldsFunc(norm, func(r rune) bool { return r > 0x7f || !isBase64(byte(r)) }) {
		for off := range 4 {
			if off >= len(run) {
				break
			}
			seg := run[off:]
			if len(seg)%4 == 1 {
				seg = seg[:len(seg)-1]
			}
			if b, err := base64.RawStdEncoding.DecodeString(seg); err == nil && has(string(b)) {
				return true
			}
		}
	}
	return false
}

// percentDecode undoes %XX escapes (either case) and "+" for space,
// leaving malformed escapes as they are.
func percentDecode(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
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
		if s[i] == '+' {
			b.WriteByte(' ')
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
