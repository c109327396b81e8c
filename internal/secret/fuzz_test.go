package secret

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

// encode writes sec into text the way form picks, around other text.
func encode(form byte, user, sec, pre, post string) string {
	encs := []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding}
	enc := encs[int(form/8)%len(encs)]
	switch form % 8 {
	case 0:
		return pre + sec + post
	case 1:
		return pre + url.QueryEscape(sec) + post
	case 2:
		return pre + url.PathEscape(sec) + post
	case 3:
		return "Basic " + enc.EncodeToString([]byte(user+":"+sec))
	case 4:
		return "AUTH PLAIN " + enc.EncodeToString([]byte("\x00"+user+"\x00"+sec))
	case 5:
		return enc.EncodeToString([]byte(user + "\x00" + user + "\x00" + sec))
	case 6:
		return enc.EncodeToString([]byte(sec))
	}
	return pre + enc.EncodeToString([]byte(pre+sec+post)) + post
}

func FuzzScrub(f *testing.F) {
	f.Add("s3cr3t-value", "user", "pre ", " post", byte(0))
	f.Add(pass, user, "a", "b", byte(4))
	f.Add("eyJhbGciOiJIUzUxMiJ9.eyJ2ZXIiOjl9.abc", "", "Bearer ", "", byte(31))
	f.Fuzz(func(t *testing.T, sec, user, pre, post string, form byte) {
		if len(sec) < MinLen {
			t.Skip()
		}
		var s Set
		s.Add(sec)
		text := encode(form, user, sec, pre, post)
		if out := s.Scrub(text); Reveals(out, sec) {
			t.Errorf("secret %q survives in %q (from %q)", sec, out, text)
		}
	})
}

// FuzzWriter writes text in pieces: whatever the pieces, no secret
// survives and nothing else changes.
func FuzzWriter(f *testing.F) {
	f.Add("s3cr3t-value", "a line with s3cr3t-value\nand another s3cr3t-\r", []byte{3, 20, 1})
	f.Add(pass, "Basic "+base64.StdEncoding.EncodeToString([]byte("u:"+pass))+"\n", []byte{9})
	f.Fuzz(func(t *testing.T, sec, text string, cuts []byte) {
		if len(sec) < MinLen {
			t.Skip()
		}
		var s Set
		s.Add(sec)
		var out bytes.Buffer
		w := NewWriter(&out, &s)
		rest := text
		for _, c := range cuts {
			n := min(int(c), len(rest))
			w.Write([]byte(rest[:n]))
			rest = rest[n:]
		}
		w.Write([]byte(rest))
		w.Flush()
		if Reveals(out.String(), sec) {
			t.Errorf("secret %q survives in %q", sec, out.String())
		}
		if !strings.ContainsAny(sec, "\r\n") && len(text) <= maxPending {
			// Line by line, as the writer promises.
			var want strings.Builder
			for line := range strings.SplitAfterSeq(text, "\n") {
				for part := range strings.SplitAfterSeq(line, "\r") {
					want.WriteString(s.Scrub(part))
				}
			}
			if out.String() != want.String() {
				t.Errorf("wrote %q, want %q", out.String(), want.String())
			}
		}
	})
}
