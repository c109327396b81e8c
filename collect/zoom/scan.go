package zoom

import (
	"bytes"
	"fmt"
)

// scanner walks one JSON document in place, without copying or allocating:
// the parser's hot loop runs over a few hundred tokens per sample, and a
// general-purpose tokenizer spent most of its time validating what
// Documents has already validated. It still never trusts its input: past
// anything unexpected it records an error, stops moving, and every later
// call is a no-op, so a malformed document can neither crash it nor make it
// loop.
type scanner struct {
	b   []byte
	i   int
	err error
}

func (s *scanner) reset(b []byte) { s.b, s.i, s.err = b, 0, nil }

func (s *scanner) fail(what string) {
	if s.err == nil {
		s.err = fmt.Errorf("malformed JSON at byte %d: %s", s.i, what)
		s.i = len(s.b)
	}
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the first byte of the next token: '{', '[', '"', 't', 'f',
// 'n', '-' or a digit, or 0 at the end or after an error.
func (s *scanner) peek() byte {
	s.ws()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// open consumes the opening delimiter c.
func (s *scanner) open(c byte) bool {
	if s.peek() != c {
		s.fail(fmt.Sprintf("expected %q", c))
		return false
	}
	s.i++
	return true
}

// more reports whether another member or element follows in the object or
// array being read (end is '}' or ']'), consuming the comma before it or the
// closing delimiter after the last one.
func (s *scanner) more(end byte, first bool) bool {
	c := s.peek()
	switch {
	case s.err != nil:
		return false
	case c == end:
		s.i++
		return false
	case first:
		return true
	case c == ',':
		s.i++
		return true
	}
	s.fail(fmt.Sprintf("expected ',' or %q", end))
	return false
}

// name reads an object member name and its colon; it returns the raw string
// with its quotes.
func (s *scanner) name() []byte {
	if s.peek() != '"' {
		s.fail("expected a member name")
		return nil
	}
	raw := s.str()
	if s.peek() != ':' {
		s.fail("expected ':'")
		return nil
	}
	s.i++
	return raw
}

// str reads a string at the current position and returns it raw.
func (s *scanner) str() []byte {
	start := s.i
	for j := s.i + 1; j < len(s.b); {
		q := bytes.IndexByte(s.b[j:], '"')
		if q < 0 {
			break
		}
		j += q
		// The quote ends the string unless an odd number of backslashes
		// escapes it.
		bs := 0
		for k := j - 1; k > start && s.b[k] == '\\'; k-- {
			bs++
		}
		if bs%2 == 0 {
			s.i = j + 1
			return s.b[start:s.i]
		}
		j++
	}
	s.fail("unterminated string")
	return nil
}

// value reads any value and returns its raw text.
func (s *scanner) value() []byte {
	c := s.peek()
	start := s.i
	switch {
	case c == '"':
		return s.str()
	case c == '{' || c == '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if s.str() == nil {
					return nil
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return s.b[start:s.i]
				}
			}
			s.i++
		}
		s.fail("unterminated object or array")
		return nil
	case c == 0:
		s.fail("expected a value")
		return nil
	}
	// A number or a literal: up to the next delimiter.
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r', ':', '"', '{', '[':
			if s.i == start {
				s.fail("expected a value")
				return nil
			}
			return s.b[start:s.i]
		}
		s.i++
	}
	if s.i == start {
		s.fail("expected a value")
		return nil
	}
	return s.b[start:s.i]
}

// kind returns the kind of a raw value by its first byte: '"', '{', '[',
// 'n' (null), 'b' (true or false) or '0' (a number).
func kind(raw []byte) byte {
	if len(raw) == 0 {
		return 0
	}
	switch c := raw[0]; c {
	case '"', '{', '[':
		return c
	case 'n':
		return 'n'
	case 't', 'f':
		return 'b'
	}
	return '0'
}
