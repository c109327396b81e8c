package secret

import (
	"slices"
	"strings"
)

// Finding and replacing the forms of secrets in text.

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
