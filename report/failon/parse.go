package failon

import (
	"fmt"
	"strings"
)

// The limits on an expression, so that no input, however hostile, costs
// more than a moment to refuse.
const (
	MaxLen   = 1000 // bytes, as written and as Expr.String writes it
	MaxDepth = 50   // levels of parentheses and not
)

// Parse reads an expression of the language the package doc describes.
// Every error it returns is an *Error.
func Parse(src string) (*Expr, error) {
	if len(src) > MaxLen {
		return nil, &Error{charPos(src, MaxLen), fmt.Sprintf("the expression is longer than %d bytes", MaxLen)}
	}
	if err := checkText(src); err != nil {
		return nil, err
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	if toks[0].kind == tEOF {
		return nil, &Error{1, "the expression is empty; write a comparison such as degraded>10%"}
	}
	p := &parser{src: src, toks: toks}
	root, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRParen {
			return nil, p.errAt(t, `unexpected ")" with no "(" before it`)
		}
		return nil, p.errAt(t, `want "and", "or" or "," between comparisons, got %s`, describe(t))
	}
	e := &Expr{root: root}
	if n := len(e.String()); n > MaxLen {
		return nil, &Error{1, fmt.Sprintf("the expression is %d bytes in canonical form, longer than %d", n, MaxLen)}
	}
	return e, nil
}

type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) errAt(t token, format string, args ...any) error {
	return &Error{charPos(p.src, t.off), fmt.Sprintf(format, args...)}
}

// describe names a token in an error.
func describe(t token) string {
	if t.kind == tEOF {
		return "the end"
	}
	return quote(t.text)
}

// expr = conj { ( "or" | "," ) conj } .
func (p *parser) expr() (node, error) {
	var or orNode
	for {
		x, err := p.conj()
		if err != nil {
			return nil, err
		}
		or = append(or, x)
		if k := p.peek().kind; k != tOr && k != tComma {
			break
		}
		p.next()
	}
	if len(or) == 1 {
		return or[0], nil
	}
	return or, nil
}

// conj = unary { "and" unary } .
func (p *parser) conj() (node, error) {
	var and andNode
	for {
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		and = append(and, x)
		if p.peek().kind != tAnd {
			break
		}
		p.next()
	}
	if len(and) == 1 {
		return and[0], nil
	}
	return and, nil
}

// unary = "not" unary | "(" expr ")" | comparison .
func (p *parser) unary() (node, error) {
	t := p.peek()
	switch t.kind {
	case tNot, tLParen:
		if p.depth == MaxDepth {
			return nil, p.errAt(t, "nested deeper than %d levels of parentheses and not", MaxDepth)
		}
		p.depth++
		defer func() { p.depth-- }()
		p.next()
		if t.kind == tNot {
			x, err := p.unary()
			if err != nil {
				return nil, err
			}
			return notNode{x}, nil
		}
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != tRParen {
			return nil, p.errAt(c, `want ")" to close the "(" at character %d, got %s`, charPos(p.src, t.off), describe(c))
		}
		p.next()
		return x, nil
	case tName:
		return p.comparison()
	}
	after := ""
	if p.i > 0 {
		after = " after " + quote(p.toks[p.i-1].text)
	}
	if t.kind == tEOF {
		return nil, p.errAt(t, "want a comparison such as degraded>10%%%s", after)
	}
	return nil, p.errAt(t, "want a comparison such as degraded>10%%%s, got %s", after, describe(t))
}

// comparison = name op number .
func (p *parser) comparison() (node, error) {
	t := p.next()
	n, ok := lookup(t.text)
	if !ok {
		return nil, p.errAt(t, "unknown figure %s (known: %s)", quote(t.text), knownList())
	}
	op := p.peek()
	if op.kind != tOp {
		return nil, p.errAt(op, "want an operator (>, >=, <, <=, ==, !=) after %s, got %s", quote(t.text), describe(op))
	}
	p.next()
	v := p.peek()
	switch {
	case v.kind == tNumber:
	case v.kind == tEOF:
		return nil, p.errAt(v, "want a number after %q", op.text)
	case v.kind == tName && isNonFinite(v.text):
		return nil, p.errAt(v, "%s is not a number to compare with; write a plain decimal number", quote(v.text))
	default:
		return nil, p.errAt(v, "want a number after %q, got %s", op.text, describe(v))
	}
	p.next()
	val, _ := v.num.float()
	return cmpNode{name: n, op: op.text, num: v.num, val: val}, nil
}

func isNonFinite(s string) bool {
	switch strings.ToLower(s) {
	case "nan", "inf", "infinity":
		return true
	}
	return false
}
