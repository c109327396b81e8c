// Package secret takes secrets out of text before it is printed or logged:
// passwords, client secrets and access tokens, in every form a server, a
// proxy or a library might echo them back in.
//
// A Set holds the secrets. For each one it derives the forms to look for:
// the secret as it is, URL-encoded (query and path style, either case of
// hex digits) and JSON-escaped, and base64 of any text that holds one of
// those, in the standard and the URL alphabet, with or without padding.
// The last covers HTTP Basic credentials (base64 of "id:secret"), SMTP
// AUTH PLAIN (base64 of "\x00user\x00password" or
// "user\x00user\x00password") and AUTH LOGIN (base64 of the password): a
// base64 encoding of text that holds the secret holds, at one of three
// alignments, a run of characters that depends on the secret alone, and
// Scrub looks for those. The whole base64 word around such a run is
// replaced, so nothing of it is left to decode.
//
// Scrub also reads the text with its escapes undone, one or two layers of
// URL-encoding (%XX, either case) and JSON escapes (\/, \", \\, the short
// escapes, \uXXXX in either case for any character, surrogate pairs
// included) in either order, so that every way an encoder may write a
// secret is found, not only the ways the standard library does.
//
// Servers also quote a credential cut short ("Sx9qZ%2B%2Fw..."), a piece
// of it, or split it across the lines of a reply. So it is not only the
// whole of a form that goes: any run of MinRun characters or more from
// anywhere in a form of a secret is replaced too (as far as the text
// follows the form, both ways), and so is a base64 word that holds the
// encoding of MinRun such characters.
//
// It imports nothing of zoomqos; the command line and the Zoom client put
// their secrets in a Set.
package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Redacted replaces every secret Scrub finds.
const Redacted = "[redacted]"

// MinLen is the shortest secret a Set takes: shorter ones would match
// ordinary words.
const MinLen = 4

// MinRun is the shortest run of characters from a form of a secret (the
// secret, URL-encoded, JSON-escaped; or the bytes a base64 word encodes)
// that Scrub takes out when it is not the whole of it: a credential quoted
// cut short, a piece of it, or one cut in two by a line break. Eight
// characters of a secret do not turn up in ordinary text by chance, and a
// piece shorter than eight leaves little to guess from (a fixed eight
// rather than half the secret: half of a long secret is a lot).
const MinRun = 8

// Set is a set of secrets to take out of text. The zero value is an empty
// set ready to use; it is safe for concurrent use, and secrets may be added
// while others scrub (an access token is added when it is issued).
type Set struct {
	mu      sync.RWMutex
	secrets map[string]bool
	pats    []pattern
	byKey   map[uint32][]int32 // the first two bytes of a pattern (base64 ones: | 1<<16) -> patterns
	filter  *[2][1 << 10]uint64
	maxLen  int  // the longest text a form may take, escapes of escapes included
	lines   bool // some secret holds a line break
}

// pattern is a run of text that only a secret gives.
type pattern struct {
	text string
	b64  bool  // a run of base64 (standard alphabet): the whole base64 word around it goes
	ends []end // not b64: the forms text is part of, to follow as far as they go
}

// end is a form of a secret that a pattern is part of, at byte at.
type end struct {
	form string
	at   int
}

// Add adds secrets; empty ones and ones shorter than MinLen are ignored.
func (s *Set) Add(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sec := range secrets {
		if len(sec) < MinLen || s.secrets[sec] {
			continue
		}
		if s.secrets == nil {
			s.secrets = map[string]bool{}
			s.byKey = map[uint32][]int32{}
			s.filter = new([2][1 << 10]uint64)
		}
		s.secrets[sec] = true
		forms := variants(sec)
		plain := forms
		if strings.Contains(sec, " ") {
			// %XX undone, a query-escaped space is still "+".
			plain = append(slices.Clip(plain), strings.ReplaceAll(sec, " ", "+"))
		}
		for _, v := range plain {
			for i, w := range runs(v) {
				s.addPlain(w, end{v, i})
			}
		}
		for _, v := range forms {
			for _, w := range runs(v) {
				for k := range 3 {
					if c := core(w, k); len(c) >= MinLen {
						s.addBase64(c)
					}
				}
			}
		}
		// Every byte \uXXXX-escaped, then URL-encoded, in base64.
		s.maxLen = max(s.maxLen, 24*len(sec)+4)
		s.lines = s.lines || strings.ContainsAny(sec, "\r\n")
	}
}

// runs are the runs of MinRun bytes in v, each at its offset (v itself
// when it is shorter).
func runs(v string) []string {
	if len(v) <= MinRun {
		return []string{v}
	}
	out := make([]string, 0, len(v)-MinRun+1)
	for i := 0; i+MinRun <= len(v); i++ {
		out = append(out, v[i:i+MinRun])
	}
	return out
}

func (s *Set) addPlain(text string, e end) {
	for _, i := range s.byKey[key(text[0], text[1])] {
		if p := &s.pats[i]; !p.b64 && p.text == text {
			if !slices.Contains(p.ends, e) {
				p.ends = append(p.ends, e)
			}
			return
		}
	}
	s.add(pattern{text: text, ends: []end{e}})
}

func (s *Set) addBase64(text string) {
	k := key(text[0], text[1]) | 1<<16
	for _, i := range s.byKey[k] {
		if s.pats[i].text == text {
			return
		}
	}
	s.add(pattern{text: text, b64: true})
}

func (s *Set) add(p pattern) {
	k := key(p.text[0], p.text[1])
	f := 0
	if p.b64 {
		f = 1
	}
	s.filter[f][k>>6] |= 1 << (k & 63)
	if p.b64 {
		k |= 1 << 16
	}
	s.byKey[k] = append(s.byKey[k], int32(len(s.pats)))
	s.pats = append(s.pats, p)
}

func key(a, b byte) uint32 { return uint32(a)<<8 | uint32(b) }

// Len reports how many secrets the set holds.
func (s *Set) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.secrets)
}

// variants are the ways a secret is written into text: as it is,
// URL-encoded and JSON-escaped as the standard library does it.
func variants(sec string) []string {
	out := []string{sec}
	add := func(v string) {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	for _, v := range []string{url.QueryEscape(sec), url.PathEscape(sec)} {
		add(v)
		add(lowerHex(v))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(sec)
	add(strings.TrimSuffix(strings.TrimSuffix(b.String(), "\n"), `"`)[1:])
	if j, err := json.Marshal(sec); err == nil {
		add(string(j[1 : len(j)-1]))
	}
	return out
}

var percentHex = regexp.MustCompile(`%[0-9A-F]{2}`)

// lowerHex writes the hex digits of percent escapes in lower case, as some
// encoders do.
func lowerHex(s string) string {
	return percentHex.ReplaceAllStringFunc(s, strings.ToLower)
}

// core is the part of the base64 encoding (standard alphabet) of any text
// that holds v at a byte offset of k modulo 3 that depends on v alone: the
// characters whose six bits all come from v's bytes.
func core(v string, k int) string {
	enc := base64.RawStdEncoding.EncodeToString(append(make([]byte, k), v...))
	from, to := (8*k+5)/6, 8*(k+len(v))/6
	if to <= from {
		return ""
	}
	return enc[from:to]
}
