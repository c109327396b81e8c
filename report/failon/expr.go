package failon

import "strings"

// Expr is a parsed expression, ready to be evaluated any number of times.
type Expr struct {
	root node
}

// node is a part of an expression: orNode, andNode, notNode or cmpNode.
type node interface {
	// eval tells whether the node is true of f, noting in r every
	// comparison that was true or could not be evaluated.
	eval(f Figures, r *Result) bool
	write(b *strings.Builder)
}

type (
	orNode  []node
	andNode []node
	notNode struct{ x node }
	cmpNode struct {
		name Name
		op   string
		num  decimal // the number as written, "%" applied
		val  float64 // num as a float64
	}
)

// String is the expression in canonical form: names in lower case, one
// space around operators and words, "or" for ",", shares' numbers in
// percent and others' without, parentheses only where needed. Parse gives
// back an expression with the same String and the same results.
func (e *Expr) String() string {
	var b strings.Builder
	e.root.write(&b)
	return b.String()
}

func (n orNode) write(b *strings.Builder) {
	for i, x := range n {
		if i > 0 {
			b.WriteString(" or ")
		}
		x.write(b)
	}
}

func (n andNode) write(b *strings.Builder) {
	for i, x := range n {
		if i > 0 {
			b.WriteString(" and ")
		}
		writeGrouped(b, x, false)
	}
}

func (n notNode) write(b *strings.Builder) {
	b.WriteString("not ")
	writeGrouped(b, n.x, true)
}

// writeGrouped writes x in parentheses when it binds less tightly than
// its parent: an or under an and, an or or an and under a not.
func writeGrouped(b *strings.Builder, x node, underNot bool) {
	_, isOr := x.(orNode)
	_, isAnd := x.(andNode)
	if isOr || underNot && isAnd {
		b.WriteString("(")
		x.write(b)
		b.WriteString(")")
		return
	}
	x.write(b)
}

func (n cmpNode) write(b *strings.Builder) {
	b.WriteString(n.name.Name)
	b.WriteString(" ")
	b.WriteString(n.op)
	b.WriteString(" ")
	b.WriteString(n.threshold())
}

// threshold is the number compared with, as the canonical form and the
// results show it: in percent for a share.
func (n cmpNode) threshold() string {
	if n.name.Share {
		return n.num.shift(2).String() + "%"
	}
	return n.num.String()
}
