package secret

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// Secrets of the shapes servers mangle: slashes (escaped by PHP), a
// non-ASCII letter (escaped by Python), and every character some encoder
// escapes.
var mangled = []string{
	"AbCd/EfGh/IjKl/MnOp1234",
	"AbCdéEfGhIjKlMnOp5678",
	`Sx9qZ+/w"é<&\Q7tailX`,
	pass,
	"tab\tand\nnewline\bbell\fff\rcr-ok",
	"emoji-😀-and-ünïcode/+=",
}

// Escape choices for one character in JSON: as it is (where JSON allows
// it), \u with lower- or upper-case hex, or its short escape.
const (
	asIs = iota
	uLower
	uUpper
	short
)

// jsonEscape writes s as the inside of a JSON string, each character
// escaped as pick says (a choice JSON does not allow falls back to \u).
func jsonEscape(s string, pick func(i int, r rune) int) string {
	var b strings.Builder
	u := func(r rune, upper bool) {
		for _, c := range utf16.Encode([]rune{r}) {
			h := fmt.Sprintf(`\u%04x`, c)
			if upper {
				h = `\u` + strings.ToUpper(h[2:])
			}
			b.WriteString(h)
		}
	}
	shorts := map[rune]string{'"': `\"`, '\\': `\\`, '/': `\/`, '\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`}
	for i, r := range s {
		switch c := pick(i, r); {
		case c == uLower:
			u(r, false)
		case c == uUpper:
			u(r, true)
		case c == short && shorts[r] != "":
			b.WriteString(shorts[r])
		case r < 0x20 || r == '"' || r == '\\':
			// JSON allows these only escaped.
			if shorts[r] != "" {
				b.WriteString(shorts[r])
			} else {
				u(r, false)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// jsonStyles are the ways encoders in the wild write a string.
var jsonStyles = map[string]func(i int, r rune) int{
	"PHP json_encode": func(_ int, r rune) int { // \/ and \u00e9
		if r > 0x7f {
			return uLower
		}
		return short
	},
	"upper-case \\u002F": func(_ int, r rune) int {
		if r == '/' || r > 0x7f {
			return uUpper
		}
		return short
	},
	"Python json.dumps": func(_ int, r rune) int { // ensure_ascii
		if r > 0x7f {
			return uLower
		}
		return asIs
	},
	"Go, HTML-safe": func(_ int, r rune) int {
		if r == '<' || r == '>' || r == '&' {
			return uLower
		}
		return asIs
	},
	"every character \\u, lower case": func(int, rune) int { return uLower },
	"every character \\u, upper case": func(int, rune) int { return uUpper },
	"every short escape":              func(int, rune) int { return short },
}

func init() {
	// Mixes: each character escaped one way or another, at random.
	for seed := range 40 {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		picks := make([]int, 64)
		for i := range picks {
			picks[i] = r.IntN(4)
		}
		jsonStyles[fmt.Sprintf("mix %d", seed)] = func(i int, _ rune) int { return picks[i%len(picks)] }
	}
}

// Every JSON escaping of every character, alone and together with
// URL-encoding in either order, is found.
func TestScrubJSONEscapes(t *testing.T) {
	for _, sec := range mangled {
		var s Set
		s.Add(sec)
		for style, pick := range jsonStyles {
			j := jsonEscape(sec, pick)
			var back string
			if err := json.Unmarshal([]byte(`"`+j+`"`), &back); err != nil || back != sec {
				t.Fatalf("%s: %q is not JSON for %q (%v, %q)", style, j, sec, err, back)
			}
			for name, form := range map[string]string{
				"JSON":                      j,
				"JSON, query-escaped":       url.QueryEscape(j),
				"JSON, path-escaped, lower": lowerHex(url.PathEscape(j)),
				"query-escaped, JSON":       jsonEscape(url.QueryEscape(sec), pick),
				"path-escaped, JSON":        jsonEscape(lowerHex(url.PathEscape(sec)), pick),
				"JSON, in JSON":             jsonEscape(j, pick),
			} {
				text := `{"error":"bad client ` + form + `","x":1}`
				out := s.Scrub(text)
				if Reveals(out, sec) || strings.Contains(out, form) {
					t.Errorf("%q, %s, %s: %q scrubbed to %q", sec, style, name, text, out)
				}
				if !strings.HasPrefix(out, `{"error":"bad client [redacted]`) || !strings.HasSuffix(out, `","x":1}`) {
					t.Errorf("%q, %s, %s: %q: the text around should stay", sec, style, name, out)
				}
				if !Reveals(text, sec) {
					t.Errorf("%q, %s, %s: Reveals does not see the secret in %q: the check proves nothing", sec, style, name, text)
				}
			}
		}
	}
}

// Servers that quote a credential cut short, or a piece of it, give part
// of it away; a run of MinRun characters or more from anywhere in a
// secret, in any form, is scrubbed.
func TestScrubTruncatedEchoes(t *testing.T) {
	var s Set
	s.Add(`Sx9qZ+/w"é<&\Q7tailX`, `pW/9+x"é<&\zQ1longpassword`)
	for _, text := range []string{
		`token URL said: invalid client_secret Sx9qZ%2B%2Fw%22%C3%A9%3C%26%5CQ7ta... (truncated)`,
		`535 5.7.8 bad password pW/9+x"é<&\zQ1longpassw...`,
		`535 5.7.8 bad password ...x"é<&\zQ1longpassword`,
		`535 5.7.8 password ...é<&\zQ1longp... rejected`,
		`{"reason":"client_secret \"Sx9qZ+\/w\\\"\u00e9\u003c\u0026\\Q7t\"..."}`,
	} {
		out := s.Scrub(text)
		for _, sec := range []string{`Sx9qZ+/w"é<&\Q7tailX`, `pW/9+x"é<&\zQ1longpassword`} {
			if RevealsPart(out, sec) {
				t.Errorf("%q scrubbed to %q: part of %q is left", text, out, sec)
			}
		}
		if !strings.Contains(out, Redacted) {
			t.Errorf("%q: nothing scrubbed", text)
		}
	}
	// Every cut of every form.
	for _, sec := range mangled {
		var s Set
		s.Add(sec)
		n := utf8.RuneCountInString(sec)
		runes := []rune(sec)
		for i := 0; i < n; i++ {
			for j := i + 1; j <= n; j++ {
				if i == 0 && j == n {
					continue
				}
				part := string(runes[i:j])
				for name, form := range map[string]string{
					"plain":            part,
					"query-escaped":    url.QueryEscape(part),
					"path-escaped":     lowerHex(url.PathEscape(part)),
					"JSON":             jsonEscape(part, jsonStyles["PHP json_encode"]),
					"base64":           base64.StdEncoding.EncodeToString([]byte(part)),
					"base64, 1 before": base64.RawURLEncoding.EncodeToString([]byte("u" + part)),
				} {
					text := "server said: " + form + " ..."
					out := s.Scrub(text)
					if RevealsPart(out, sec) {
						t.Errorf("%q cut to %q, %s: %q left in %q", sec, part, name, form, out)
					}
					if len(part) < MinRun && out != text && name == "plain" {
						t.Errorf("%q: %q is shorter than %d bytes, yet scrubbed: %q", sec, part, MinRun, out)
					}
				}
			}
		}
	}
}

// AUTH PLAIN's base64 split across the lines of a multi-line SMTP reply,
// anywhere: neither line gives MinRun bytes of the password away.
func TestScrubBase64SplitAcrossLines(t *testing.T) {
	for _, sec := range mangled {
		var s Set
		s.Add(sec)
		b64 := base64.StdEncoding.EncodeToString([]byte("\x00reports@example.com\x00" + sec))
		for k := 1; k < len(b64); k++ {
			text := "535-5.7.8 Authentication failed for AUTH PLAIN " + b64[:k] + "\n535 5.7.8 rest: " + b64[k:]
			out := s.Scrub(text)
			for line := range strings.SplitSeq(out, "\n") {
				if RevealsPart(line, sec) {
					t.Errorf("%q split at %d: %q", sec, k, line)
				}
			}
		}
	}
}

// Ordinary messages, and words that share fewer than MinRun characters
// with a secret, are left as they are. (A word of MinRun letters or more
// inside a secret, such as "password" in "reports-password-2026", goes
// wherever it appears: the price of taking out pieces of a secret.)
func TestScrubLeavesOrdinaryText(t *testing.T) {
	var s Set
	s.Add("Zk3vQ9xLmT2pW8rYc4nB6dHs1jF0aGe5", "fake-secret", "fz.6f1c0a9e4b7d2c8e3a5f1b0d9c7e2a4b", pass,
		`Sx9qZ+/w"é<&\Q7tailX`, "reports-password-2026", "AbCd/EfGh/IjKl/MnOp1234")
	for _, text := range []string{
		`time=2026-07-01T10:00:00.000Z level=WARN msg="Zoom's servers failed (HTTP 503 Service Unavailable); retry 1 of 5 in 1.2s" endpoint="GET /metrics/meetings/{meetingId}/participants/qos" meeting=85012345678 page=3`,
		`meeting /qSHeCt8w7u2Y+XJDQfeeA==: GET /metrics/meetings/{meetingId}/participants/qos: page 2: Zoom sent the same next_page_token as page 1`,
		`GET /metrics/meetings/%252FqSHeCt8w7u2Y%252BXJDQfeeA%253D%253D/participants/qos?page_size=10&type=past`,
		`{"page_count":0,"total_records":0,"next_page_token":"eyJrIjoibGlzdDpmYWxzZTpsaXZlOjoiLCJvIjozMDAsImkiOjE3OTI2NzA0MDB9","meetings":[]}`,
		`{"code":124,"message":"Invalid access token.","topic":"Customer call: M\u00fcller \u0026 S\u00f6hne","path":"C:\\Users\\ana\\qos.db"}`,
		`the token URL http://127.0.0.1:8080/v2 answered HTTP 405 Method Not Allowed with JSON without an access_token ({"code":405,"message":"Method not allowed."})`,
		`the SMTP server mail.example.com:587 refused the login as reports: 535 5.7.8 Authentication failed: reports is not a passwd`,
		`fake-account fake-client fake-se fz.6f1c AbCd/Ef Zk3vQ9x Sx9qZ+/ reports \u0053\u0078\u0039 %53%78%39`,
		`Authorization: Basic ZmFrZS1jbGllbnQ6b3RoZXItc2VjcmV0`,
		"progress 12/40 meetings, 1234 pages, 56789 samples\r",
	} {
		if out := s.Scrub(text); out != text {
			t.Errorf("Scrub changed ordinary text:\n%q\nto\n%q", text, out)
		}
	}
}

// A secret that reads like the marker, or holds it, does not make the
// marker grow pass after pass.
func TestScrubMarkerIsStable(t *testing.T) {
	for _, sec := range []string{"redacted", "[redacted]", "xx[redacted]yy", "[redacte-rest"} {
		var s Set
		s.Add(sec)
		text := "a " + sec + " b " + Redacted + " c"
		out := s.Scrub(text)
		if out != s.Scrub(out) || strings.Count(out, Redacted) > 3 || RevealsPart(out, sec) {
			t.Errorf("%q: %q scrubbed to %q, then %q", sec, text, out, s.Scrub(out))
		}
	}
}

// A secret, or MinRun bytes of one, split across the lines of a reply of
// several (each line after the first beginning with its codes): ScrubSplit
// takes out the pieces on both sides of every break, however short, and
// leaves lines that hold no secret as they are.
func TestScrubSplit(t *testing.T) {
	code := func(line string) int {
		for _, c := range []string{"535 5.7.8 ", "535-5.7.8 "} {
			if strings.HasPrefix(line, c) {
				return len(c)
			}
		}
		return 0
	}
	for _, sec := range mangled {
		if strings.ContainsAny(sec, "\r\n") {
			continue // its own line breaks would make lines of it
		}
		var s Set
		s.Add(sec)
		for i := 0; i < len(sec); i++ {
			for j := i + MinRun; j <= len(sec); j++ {
				piece := sec[i:j]
				for k := 1; k < len(piece); k++ {
					text := "535-5.7.8 bad " + piece[:k] + "\r\n535 5.7.8 " + piece[k:] + " end"
					out := s.ScrubSplit(text, code)
					joined := strings.ReplaceAll(strings.ReplaceAll(out, "\r\n535 5.7.8 ", ""), "\n", "")
					_, second, split := strings.Cut(out, "\n")
					if RevealsPart(joined, sec) || strings.Contains(out, piece[:k]+"\r") || split && strings.HasPrefix(strings.TrimPrefix(second, "535 5.7.8 "), piece[k:]) {
						t.Errorf("%q split at %d: %q", piece, k, out)
					}
					if !strings.HasPrefix(out, "535-5.7.8 bad ") || !strings.HasSuffix(out, " end") {
						t.Errorf("%q split at %d: the text around went too: %q", piece, k, out)
					}
				}
			}
		}
	}
	var s Set
	s.Add("Zk3vQ9xLmT2pW8rYc4nB6dHs1jF0aGe5")
	for _, text := range []string{"535-5.7.8 Authentication\n535 5.7.8 failed", "250-mail.example.com\n250-AUTH PLAIN LOGIN\n250 8BITMIME"} {
		if out := s.ScrubSplit(text, code); out != text {
			t.Errorf("%q scrubbed to %q", text, out)
		}
	}
}
