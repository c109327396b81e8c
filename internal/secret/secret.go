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
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
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

// Scrub returns text with every form of every secret replaced by Redacted.
func (s *Set) Scrub(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.secrets) == 0 {
		return text
	}
	// A replacement can only join text to a marker, so a form found
	// again must overlap one; a few passes settle it.
	for range 16 {
		next := s.scrubOnce(text)
		if next == text {
			break
		}
		text = next
	}
	return text
}

type span struct{ from, to int }

func (s *Set) scrubOnce(text string) string { return s.scrubView(text, view{text: text}) }

// ScrubSplit is Scrub for text whose lines a server cut one message into
// (a multi-line SMTP reply). It also reads the text with each line break,
// and what skip says begins the line after it (a reply code), taken out:
// a secret split across the lines is found too, and replaced together
// with the breaks between its pieces.
func (s *Set) ScrubSplit(text string, skip func(line string) int) string {
	if s == nil || !strings.Contains(text, "\n") {
		return s.Scrub(text)
	}
	// Joined first: a piece on one line scrubbed alone would leave the
	// piece on the next with nothing to join.
	s.mu.RLock()
	if len(s.secrets) > 0 {
		for range 16 {
			next := s.scrubView(text, joined(text, skip))
			if next == text {
				break
			}
			text = next
		}
	}
	s.mu.RUnlock()
	return s.Scrub(text)
}

// joined is a view of text without its line breaks (and carriage
// returns), nor what skip says begins each line after the first.
func joined(text string, skip func(string) int) view {
	v := view{from: make([]int32, 0, len(text)), to: make([]int32, 0, len(text))}
	b := make([]byte, 0, len(text))
	at := 0
	for i, line := range strings.Split(text, "\n") {
		body := strings.TrimSuffix(line, "\r")
		n := 0
		if i > 0 {
			n = min(max(skip(body), 0), len(body))
		}
		for j := n; j < len(body); j++ {
			b = append(b, body[j])
			v.from = append(v.from, int32(at+j))
			v.to = append(v.to, int32(at+j+1))
		}
		at += len(line) + 1
	}
	v.text = string(b)
	return v
}

// scrubView replaces in text what v, a view of it, shows of a secret, as
// it is or with its escapes undone.
func (s *Set) scrubView(text string, v view) string {
	var spans []span
	s.find(v, &spans)
	if strings.ContainsAny(v.text, `%\`) {
		for _, d := range viewsOf(v) {
			s.find(d, &spans)
		}
	}
	if len(spans) == 0 {
		return text
	}
	if strings.Contains(text, Redacted) {
		// What lies inside a marker is no secret: finding it there again
		// would grow the marker pass after pass.
		var markers []span
		for at := 0; ; {
			i := strings.Index(text[at:], Redacted)
			if i < 0 {
				break
			}
			markers = append(markers, span{at + i, at + i + len(Redacted)})
			at += i + len(Redacted)
		}
		spans = slices.DeleteFunc(spans, func(sp span) bool {
			return slices.ContainsFunc(markers, func(m span) bool { return m.from <= sp.from && sp.to <= m.to })
		})
		if len(spans) == 0 {
			return text
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	var b strings.Builder
	last := 0
	for i := 0; i < len(spans); {
		sp := spans[i]
		for i++; i < len(spans) && spans[i].from <= sp.to; i++ {
			sp.to = max(sp.to, spans[i].to)
		}
		b.WriteString(text[last:sp.from])
		b.WriteString(Redacted)
		last = sp.to
	}
	b.WriteString(text[last:])
	return b.String()
}

// find adds the spans of the original text that v shows a form of a
// secret in. One pass over the text: a filter on the first two bytes of
// every pattern lets most positions go at a glance.
func (s *Set) find(v view, spans *[]span) {
	t := v.text
	for i := 0; i+1 < len(t); i++ {
		c0, c1 := t[i], t[i+1]
		if k := key(c0, c1); s.filter[0][k>>6]&(1<<(k&63)) != 0 {
			for _, p := range s.byKey[k] {
				if pat := &s.pats[p]; !pat.b64 && strings.HasPrefix(t[i:], pat.text) {
					*spans = append(*spans, v.span(follow(t, i, pat)))
				}
			}
		}
		if k := key(b64norm(c0), b64norm(c1)); s.filter[1][k>>6]&(1<<(k&63)) != 0 {
			for _, p := range s.byKey[k|1<<16] {
				if pat := &s.pats[p]; hasBase64Prefix(t[i:], pat.text) {
					*spans = append(*spans, v.span(base64Word(t, span{i, i + len(pat.text)})))
				}
			}
		}
	}
}

// follow widens a pattern found at i to as much of the forms it is part
// of as the text holds, both ways.
func follow(t string, i int, p *pattern) span {
	sp := span{i, i + len(p.text)}
	for _, e := range p.ends {
		j, k := i, e.at
		for j > 0 && k > 0 && t[j-1] == e.form[k-1] {
			j--
			k--
		}
		n, m := i+len(p.text), e.at+len(p.text)
		for n < len(t) && m < len(e.form) && t[n] == e.form[m] {
			n++
			m++
		}
		sp.from, sp.to = min(sp.from, j), max(sp.to, n)
	}
	return sp
}

// b64norm reads the URL alphabet's "-" and "_" as the standard one's "+"
// and "/".
func b64norm(c byte) byte {
	switch c {
	case '-':
		return '+'
	case '_':
		return '/'
	}
	return c
}

func hasBase64Prefix(t, p string) bool {
	if len(t) < len(p) {
		return false
	}
	for i := range len(p) {
		if b64norm(t[i]) != p[i] {
			return false
		}
	}
	return true
}

// base64Word widens a span to the whole run of base64 characters around
// it, in either alphabet, padding included.
func base64Word(t string, sp span) span {
	for sp.from > 0 && isBase64(b64norm(t[sp.from-1])) {
		sp.from--
	}
	for sp.to < len(t) && isBase64(b64norm(t[sp.to])) {
		sp.to++
	}
	for sp.to < len(t) && t[sp.to] == '=' {
		sp.to++
	}
	return sp
}

func isBase64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}

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

// Error returns err with its text scrubbed; errors.Is and errors.As still
// see the errors inside. Errors without a secret are returned as they are.
func (s *Set) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := s.Scrub(msg)
	if clean == msg {
		return err
	}
	return &scrubbed{msg: clean, err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// Writer scrubs what goes through it line by line: a secret split across
// writes is still found, as long as it sits on one line. Lines end at
// "\n" or "\r" (a progress line), and are passed on as soon as they are
// complete; Flush passes on an unfinished one. It is safe for concurrent
// use.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	set *Set
	buf []byte
}

// NewWriter returns a Writer that scrubs what it writes to w with the
// secrets of s, those added later included.
func NewWriter(w io.Writer, s *Set) *Writer {
	if s == nil {
		s = new(Set)
	}
	return &Writer{w: w, set: s}
}

// maxPending bounds the text held back waiting for the end of its line.
const maxPending = 64 << 10

// Write takes p; complete lines go on to the underlying writer scrubbed.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	hold := 0
	w.set.mu.RLock()
	if w.set.lines || len(w.buf) > maxPending {
		// A form that spans lines, or a line too long to hold: keep back
		// enough for any form that may have begun near the end.
		hold = max(w.set.maxLen-1, 0)
	}
	w.set.mu.RUnlock()
	var out string
	if len(w.buf) > maxPending {
		s := w.set.Scrub(string(w.buf))
		cut := max(len(s)-hold, 0)
		out, w.buf = s[:cut], append(w.buf[:0], s[cut:]...)
	} else {
		i := bytes.LastIndexAny(w.buf[:max(len(w.buf)-hold, 0)], "\r\n")
		if i < 0 {
			return len(p), nil
		}
		if hold == 0 {
			out = w.set.Scrub(string(w.buf[:i+1]))
			w.buf = append(w.buf[:0], w.buf[i+1:]...)
		} else {
			s := w.set.Scrub(string(w.buf))
			// Cut after the last line break that is at least hold
			// before the end of the scrubbed text.
			j := strings.LastIndexAny(s[:max(len(s)-hold, 0)], "\r\n")
			if j < 0 {
				return len(p), nil
			}
			out, w.buf = s[:j+1], append(w.buf[:0], s[j+1:]...)
		}
	}
	if _, err := io.WriteString(w.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes out an unfinished last line, scrubbed.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	out := w.set.Scrub(string(w.buf))
	w.buf = w.buf[:0]
	_, err := io.WriteString(w.w, out)
	return err
}
