package flatparquet

import (
	"bytes"
	"fmt"
	"slices"
)

// RowGroup holds rows column by column until Encode turns them into
// column chunks. Every column gets exactly one value or Null per row, in
// row order. A RowGroup is used by one goroutine at a time; Reset empties
// it and keeps its memory for the next.
type RowGroup struct {
	cols []ColumnValues
}

// newRowGroup returns an empty row group for the schema.
func newRowGroup(cols []Column) *RowGroup {
	g := &RowGroup{cols: make([]ColumnValues, len(cols))}
	for i, c := range cols {
		g.cols[i] = ColumnValues{typ: c.Type, optional: c.Optional}
	}
	return g
}

// Column returns the values of column i, in schema order.
func (g *RowGroup) Column(i int) *ColumnValues { return &g.cols[i] }

// Rows is the number of rows in the row group (those of its first column).
func (g *RowGroup) Rows() int { return g.cols[0].rows }

// Reset empties the row group.
func (g *RowGroup) Reset() {
	for i := range g.cols {
		g.cols[i].reset()
	}
}

// ColumnValues is one column of a row group: a definition level per row
// when the column is optional, and the values that are present.
type ColumnValues struct {
	typ      Type
	optional bool
	rows     int
	misuse   string // the first value of the wrong kind, reported by Encode

	def    []byte    // optional columns: 1 for a value, 0 for NULL, one per row
	index  []int32   // String: dictionary indexes of the values
	dict   dict      // String
	ints   []int64   // Timestamp
	floats []float64 // Double
}

func (c *ColumnValues) reset() {
	c.rows, c.misuse = 0, ""
	c.def, c.index, c.ints, c.floats = c.def[:0], c.index[:0], c.ints[:0], c.floats[:0]
	c.dict.reset()
}

// Null appends a NULL.
func (c *ColumnValues) Null() {
	if !c.optional {
		c.wrong("NULL")
		return
	}
	c.def = append(c.def, 0)
	c.rows++
}

// present counts a row that has a value.
func (c *ColumnValues) present() {
	if c.optional {
		c.def = append(c.def, 1)
	}
	c.rows++
}

// Intern returns the dictionary index of s in this row group's String
// column, adding it if it is new. Callers that write the same strings
// over and over (a session's name on each of its rows) intern them once
// and append the index with StringIndex.
func (c *ColumnValues) Intern(s string) int32 { return c.dict.index(s) }

// StringIndex appends the string Intern returned i for.
func (c *ColumnValues) StringIndex(i int32) {
	if c.typ != String || i < 0 || int(i) >= len(c.dict.values) {
		c.wrong(fmt.Sprintf("dictionary index %d", i))
		return
	}
	c.index = append(c.index, i)
	c.present()
}

// StringRun appends n copies of the string Intern returned i for.
func (c *ColumnValues) StringRun(i int32, n int) {
	if c.typ != String || i < 0 || int(i) >= len(c.dict.values) {
		c.wrong(fmt.Sprintf("dictionary index %d", i))
		return
	}
	c.index = appendN(c.index, i, n)
	c.presentRun(n)
}

// NullRun appends n NULLs.
func (c *ColumnValues) NullRun(n int) {
	if !c.optional {
		c.wrong("NULL")
		return
	}
	c.def = appendN(c.def, 0, n)
	c.rows += n
}

func (c *ColumnValues) presentRun(n int) {
	if c.optional {
		c.def = appendN(c.def, 1, n)
	}
	c.rows += n
}

// appendN appends n copies of v.
func appendN[T any](s []T, v T, n int) []T {
	s = slices.Grow(s, n)
	for range n {
		s = append(s, v)
	}
	return s
}

// String appends s to a String column.
func (c *ColumnValues) String(s string) {
	if c.typ != String {
		c.wrong("a string")
		return
	}
	c.StringIndex(c.dict.index(s))
}

// Timestamp appends a time in milliseconds since the Unix epoch to a
// Timestamp column.
func (c *ColumnValues) Timestamp(ms int64) {
	if c.typ != Timestamp {
		c.wrong("a timestamp")
		return
	}
	c.ints = append(c.ints, ms)
	c.present()
}

// TimestampRun appends n copies of a time in milliseconds since the Unix
// epoch to a Timestamp column.
func (c *ColumnValues) TimestampRun(ms int64, n int) {
	if c.typ != Timestamp {
		c.wrong("a timestamp")
		return
	}
	c.ints = appendN(c.ints, ms, n)
	c.presentRun(n)
}

// Doubles appends a row per element of def to a Double column: vals[i]
// where def[i] is 1, NULL where it is 0. vals is as long as def.
func (c *ColumnValues) Doubles(vals []float64, def []byte) {
	switch {
	case c.typ != Double:
		c.wrong("a double")
		return
	case len(vals) != len(def):
		c.wrong(fmt.Sprintf("%d doubles for %d rows", len(vals), len(def)))
		return
	case !c.optional && bytes.IndexByte(def, 0) >= 0:
		c.wrong("NULL")
		return
	}
	k := len(c.floats)
	c.floats = slices.Grow(c.floats, len(vals))[:k+len(vals)]
	var seen byte
	for i, d := range def {
		// Branch-free: a NULL's slot is taken by the next value.
		c.floats[k] = vals[i]
		k += int(d & 1)
		seen |= d
	}
	c.floats = c.floats[:k]
	if seen > 1 {
		c.wrong("a definition level other than 0 or 1")
		return
	}
	if c.optional {
		c.def = append(c.def, def...)
	}
	c.rows += len(def)
}

// Double appends v to a Double column.
func (c *ColumnValues) Double(v float64) {
	if c.typ != Double {
		c.wrong("a double")
		return
	}
	c.floats = append(c.floats, v)
	c.present()
}

func (c *ColumnValues) wrong(what string) {
	if c.misuse == "" {
		c.misuse = fmt.Sprintf("%s in a %s column", what, c.typ)
		if !c.optional && what == "NULL" {
			c.misuse = "NULL in a required column"
		}
	}
}

// dict is a String column's dictionary: the distinct values in the order
// they came.
type dict struct {
	ids    map[string]int32
	values []string
}

func (d *dict) index(s string) int32 {
	if i, ok := d.ids[s]; ok {
		return i
	}
	if d.ids == nil {
		d.ids = make(map[string]int32)
	}
	i := int32(len(d.values))
	d.ids[s] = i
	d.values = append(d.values, s)
	return i
}

func (d *dict) reset() {
	clear(d.ids)
	d.values = d.values[:0]
}
