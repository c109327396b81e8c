package secret

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

// encode writes sec into text the way form picks, around other text;
// shape picks the details: how each character is JSON-escaped, where a
// cut or a line break falls.
func encode(form byte, user, sec, pre, post string, shape []byte) string {
	encs := []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding}
	enc := encs[int(form/16)%len(encs)]
	at := func(i int) int {
		if len(shape) == 0 {
			return 0
		}
		return int(shape[i%len(shape)])
	}
	pick := func(i int, _ rune) int { return at(i+1) % 4 }
	hex := func(s string) string {
		if at(0)&1 == 1 {
			return lowerHex(s)
		}
		return s
	}
	// cut keeps a beginning, an end or (by shape) a piece of s.
	cut := func(s string) string {
		if len(s) == 0 {
			return s
		}
		n := at(0) % (len(s) + 1)
		switch at(1) % 3 {
		case 1:
			return s[len(s)-n:]
		case 2:
			from := at(2) % (len(s) - n + 1)
			return s[from : from+n]
		}
		return s[:n]
	}
	switch form % 16 {
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
	case 7:
		return pre + enc.EncodeToString([]byte(pre+sec+post)) + post
	case 8:
		return pre + jsonEscape(sec, pick) + post
	case 9:
		return pre + hex(url.QueryEscape(jsonEscape(sec, pick))) + post
	case 10:
		return pre + jsonEscape(hex(url.PathEscape(sec)), pick) + post
	case 11:
		return pre + jsonEscape(jsonEscape(sec, pick), pick) + post
	case 12: // a cut in a form: a server that quotes only so much
		return pre + cut(jsonEscape(sec, pick)) + post
	case 13:
		return pre + cut(hex(url.QueryEscape(sec))) + post
	case 14:
		return pre + cut(enc.EncodeToString([]byte(user+":"+sec))) + post
	}
	// The base64 of an AUTH line, split across the lines of a reply.
	b64 := enc.EncodeToString([]byte("\x00" + user + "\x00" + sec))
	k := at(0) % (len(b64) + 1)
	return "535-5.7.8 " + pre + " AUTH PLAIN " + b64[:k] + "\n535 5.7.8 " + post + " rest: " + b64[k:]
}

// leaks says what of sec text gives away: the whole of it, or a run of
// MinRun bytes or more from anywhere in it (within a line).
func leaks(text, sec string) string {
	if Reveals(text, sec) {
		return "the secret"
	}
	for line := range strings.SplitSeq(text, "\n") {
		if RevealsPart(line, sec) {
			return "a part of the secret"
		}
	}
	return ""
}

func FuzzScrub(f *testing.F) {
	f.Add("s3cr3t-value", "user", "pre ", " post", byte(0), []byte{})
	f.Add(pass, user, "a", "b", byte(4), []byte{1, 2, 3})
	f.Add("eyJhbGciOiJIUzUxMiJ9.eyJ2ZXIiOjl9.abc", "", "Bearer ", "", byte(31), []byte{})
	f.Add(`Sx9qZ+/w"é<&\Q7tailX`, "client", `{"reason":"`, `"}`, byte(8), []byte{0, 1, 2, 3, 1, 2})
	f.Add(`Sx9qZ+/w"é<&\Q7tailX`, "client", "said ", "...", byte(13), []byte{30, 0})
	f.Add(`pW/9+x"é<&\zQ1longpassword`, "reports", "Authentication failed for", "", byte(15), []byte{21})
	f.Add("AbCd/EfGh/IjKl/MnOp1234", "c", "", "", byte(10), []byte{1, 2})
	f.Fuzz(func(t *testing.T, sec, user, pre, post string, form byte, shape []byte) {
		if len(sec) < MinLen || len(sec) > 200 || len(pre)+len(post)+len(user) > 400 {
			t.Skip()
		}
		var s Set
		s.Add(sec)
		text := encode(form, user, sec, pre, post, shape)
		out := s.Scrub(text)
		if what := leaks(out, sec); what != "" {
			t.Errorf("%s: %q survives in %q (from %q)", what, sec, out, text)
		}
	})
}

// FuzzWriter writes text in pieces: whatever the pieces, no secret, nor
// a run of MinRun bytes from one, survives, and nothing else changes.
func FuzzWriter(f *testing.F) {
	f.Add("s3cr3t-value", "a line with s3cr3t-value\nand another s3cr3t-\r", []byte{3, 20, 1})
	f.Add(pass, "Basic "+base64.StdEncoding.EncodeToString([]byte("u:"+pass))+"\n", []byte{9})
	f.Add(`Sx9qZ+/w"é<&\Q7tailX`, `{"reason":"Sx9qZ+\/w\"\u00e9\u003c\u0026\\Q7tailX"}`+"\nSx9qZ%2B%2Fw%22%C3%A9%3C%26%5CQ7ta...\n", []byte{5, 9, 40})
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
			for line := range strings.SplitSeq(strings.ReplaceAll(out.String(), "\r", "\n"), "\n") {
				if RevealsPart(line, sec) {
					t.Errorf("a part of %q survives in %q", sec, line)
				}
			}
		}
	})
}
