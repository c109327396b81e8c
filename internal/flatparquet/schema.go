package flatparquet

import (
	"fmt"

	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// Type is a column's type.
type Type uint8

const (
	// String is a BYTE_ARRAY with the STRING logical type (UTF8 converted
	// type), dictionary-encoded.
	String Type = iota + 1
	// Timestamp is an INT64 with the TIMESTAMP logical type: UTC,
	// milliseconds (TIMESTAMP_MILLIS converted type).
	Timestamp
	// Double is a DOUBLE.
	Double
)

func (t Type) String() string {
	switch t {
	case String:
		return "string"
	case Timestamp:
		return "timestamp"
	case Double:
		return "double"
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// physical is the type's Parquet physical type.
func (t Type) physical() format.Type {
	switch t {
	case String:
		return format.ByteArray
	case Timestamp:
		return format.Int64
	}
	return format.Double
}

// Column is one column of a flat schema.
type Column struct {
	Name     string
	Type     Type
	Optional bool // NULLs allowed (definition level 1)
}

// checkSchema reports the first thing wrong with a schema.
func checkSchema(cols []Column) error {
	if len(cols) == 0 {
		return fmt.Errorf("flatparquet: a schema needs a column")
	}
	seen := make(map[string]bool, len(cols))
	for i, c := range cols {
		switch {
		case c.Name == "":
			return fmt.Errorf("flatparquet: column %d has no name", i)
		case seen[c.Name]:
			return fmt.Errorf("flatparquet: column %q is named twice", c.Name)
		case c.Type < String || c.Type > Double:
			return fmt.Errorf("flatparquet: column %q has unknown type %d", c.Name, uint8(c.Type))
		}
		seen[c.Name] = true
	}
	return nil
}

// schemaElements is the footer's schema: a root named name, then a leaf
// per column with both its logical and its converted type, which older
// readers go by.
func schemaElements(name string, cols []Column) []format.SchemaElement {
	out := make([]format.SchemaElement, 0, len(cols)+1)
	out = append(out, format.SchemaElement{Name: name, NumChildren: thrift.New(int32(len(cols)))})
	for _, c := range cols {
		e := format.SchemaElement{
			Name:           c.Name,
			Type:           thrift.New(c.Type.physical()),
			RepetitionType: thrift.New(format.Required),
		}
		if c.Optional {
			e.RepetitionType = thrift.New(format.Optional)
		}
		switch c.Type {
		case String:
			e.ConvertedType = thrift.New(deprecated.UTF8)
			e.LogicalType = format.LogicalType{Value: &format.StringType{}}
		case Timestamp:
			e.ConvertedType = thrift.New(deprecated.TimestampMillis)
			e.LogicalType = format.LogicalType{Value: &format.TimestampType{
				IsAdjustedToUTC: true, Unit: format.TimeUnit{Value: &format.MilliSeconds{}}}}
		}
		out = append(out, e)
	}
	return out
}
