package failon

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

type kind int

const (
	tEOF kind = iota
	tName
	tNumber
	tOp
	tLParen
	tRParen
	tComma
	tAnd
	tOr
	tNot
)

// token is a piece of the expression; off is its byte offset.
type token struct {
	kind kind
	text string
	off  int
	num  decimal // tNumber: its value, "%" applied
}

// checkText refuses what no expression may hold: invalid UTF-8 and
// control characters other than tab and line breaks.
func checkText(src string) error {
	for off, r := range src {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(src[off:], "\uFFFD"):
			return &Error{charPos(src, off), fmt.Sprintf("invalid UTF-8 (byte 0x%02x)", src[off])}
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			return &Error{charPos(src, off), fmt.Sprintf("control character U+%04X is not allowed", r)}
		}
	}
	return nil
}

func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// lex cuts src, already checked by checkText, into tokens ending in tEOF.
func lex(src string) ([]token, error) {
	var toks []token
	errAt := func(off int, format string, args ...any) error {
		return &Error{charPos(src, off), fmt.Sprintf(format, args...)}
	}
	i := 0
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i == len(src) {
			return append(toks, token{kind: tEOF, off: i}), nil
		}
		start, c := i, src[i]
		switch {
		case isLetter(c):
			for i < len(src) && (isLetter(src[i]) || isDigit(src[i])) {
				i++
			}
			t := token{kind: tName, text: src[start:i], off: start}
			switch strings.ToLower(t.text) {
			case "and":
				t.kind = tAnd
			case "or":
				t.kind = tOr
			case "not":
				t.kind = tNot
			}
			toks = append(toks, t)
		case isDigit(c) || c == '.' || c == '+' || c == '-':
			t, err := lexNumber(src, start)
			if err != nil {
				return nil, err
			}
			i = start + len(t.text)
			toks = append(toks, t)
		case strings.HasPrefix(src[i:], ">=") || strings.HasPrefix(src[i:], "<=") ||
			strings.HasPrefix(src[i:], "==") || strings.HasPrefix(src[i:], "!="):
			i += 2
			toks = append(toks, token{kind: tOp, text: src[start:i], off: start})
		case c == '>' || c == '<':
			i++
			toks = append(toks, token{kind: tOp, text: src[start:i], off: start})
		case c == '(':
			i++
			toks = append(toks, token{kind: tLParen, text: "(", off: start})
		case c == ')':
			i++
			toks = append(toks, token{kind: tRParen, text: ")", off: start})
		case c == ',':
			i++
			toks = append(toks, token{kind: tComma, text: ",", off: start})
		case c == '=':
			return nil, errAt(start, `write "==" to compare for equality, not "="`)
		case c == '!':
			return nil, errAt(start, `write "!=" for "not equal", or "not"`)
		case c == '&' || c == '|':
			word, op := "and", "&"
			if c == '|' {
				word, op = "or", "|"
			}
			if strings.HasPrefix(src[i+1:], op) {
				op += op
			}
			return nil, errAt(start, "write %q, not %q", word, op)
		case c == '%':
			return nil, errAt(start, `"%%" must follow its number directly, as in degraded>10%%`)
		default:
			r, _ := utf8.DecodeRuneInString(src[i:])
			return nil, errAt(start, "unexpected character %s", quote(string(r)))
		}
	}
}

// lexNumber reads the number at src[start:]: an optional sign, then
// everything up to a space, operator, parenthesis, comma or "%", then the
// "%" if there is one.
func lexNumber(src string, start int) (token, error) {
	i := start
	if src[i] == '+' || src[i] == '-' {
		i++
	}
	body := i
	for i < len(src) && (isLetter(src[i]) || isDigit(src[i]) || src[i] == '.') {
		i++
	}
	word := src[body:i]
	if word == "" {
		return token{}, &Error{charPos(src, start), fmt.Sprintf("%q must be followed directly by its number", src[start:body])}
	}
	if isNonFinite(word) {
		return token{}, &Error{charPos(src, start), fmt.Sprintf("%s is not a number to compare with; write a plain decimal number", quote(src[start:i]))}
	}
	d, ok := parseDecimal(src[start:i])
	if !ok {
		return token{}, &Error{charPos(src, start), fmt.Sprintf("malformed number %s; write digits with an optional decimal point, as in 12 or 0.5", quote(src[start:i]))}
	}
	t := token{kind: tNumber, off: start}
	if i < len(src) && src[i] == '%' {
		i++
		d = d.shift(-2)
	}
	if _, ok := d.float(); !ok {
		return token{}, &Error{charPos(src, start), fmt.Sprintf("number %s is too large", quote(src[start:i]))}
	}
	t.text, t.num = src[start:i], d
	return t, nil
}
