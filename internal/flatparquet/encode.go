package flatparquet

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"unsafe"

	"github.com/parquet-go/parquet-go/encoding/rle"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// EncodedRowGroup is a row group turned into column chunks: the bytes to
// append to the file, and their metadata with offsets from the start of
// those bytes (WriteRowGroup moves them to where the bytes land). It is
// reused from one row group to the next.
type EncodedRowGroup struct {
	data    []byte
	meta    format.RowGroup
	hasDict []bool

	// scratch
	body, levels, packed, comp []byte
	order, rank                []int32
	dict                       dict64 // a Timestamp or Double column's dictionary
	dictIndex                  []int32
}

// Encode encodes g into e, which it resets first. Several goroutines may
// encode row groups at once, each into its own EncodedRowGroup.
func (w *Writer) Encode(g *RowGroup, e *EncodedRowGroup) error {
	if len(g.cols) != len(w.cols) {
		return fmt.Errorf("flatparquet: row group has %d columns, the schema %d", len(g.cols), len(w.cols))
	}
	rows := g.Rows()
	for i, c := range w.cols {
		if g.cols[i].typ != c.Type || g.cols[i].optional != c.Optional {
			return fmt.Errorf("flatparquet: column %q: the row group is of another schema", c.Name)
		}
		if err := g.cols[i].check(rows); err != nil {
			return fmt.Errorf("flatparquet: column %q: %w", w.cols[i].Name, err)
		}
	}
	e.data = e.data[:0]
	e.meta = format.RowGroup{NumRows: int64(rows), Columns: e.meta.Columns[:0]}
	e.hasDict = e.hasDict[:0]
	if rows == 0 {
		return nil // WriteRowGroup skips it
	}
	for i := range g.cols {
		cc, hasDict := w.encodeColumn(e, &g.cols[i], w.cols[i].Name)
		e.meta.Columns = append(e.meta.Columns, cc)
		e.meta.TotalByteSize += cc.MetaData.TotalUncompressedSize
		e.meta.TotalCompressedSize += cc.MetaData.TotalCompressedSize
		e.hasDict = append(e.hasDict, hasDict)
	}
	return nil
}

// check reports a column that does not hold one value or NULL per row.
func (c *ColumnValues) check(rows int) error {
	if c.misuse != "" {
		return fmt.Errorf("%s", c.misuse)
	}
	if c.rows != rows {
		return fmt.Errorf("%d rows where the first column has %d", c.rows, rows)
	}
	return nil
}

// encodeColumn appends a column chunk to e.data: a dictionary page for a
// String column that has values or another with few distinct values,
// then data pages (format v1) of at most w.pageRows rows, each
// with its statistics.
func (w *Writer) encodeColumn(e *EncodedRowGroup, c *ColumnValues, name string) (format.ColumnChunk, bool) {
	start := int64(len(e.data))
	md := format.ColumnMetaData{
		Type:         c.typ.physical(),
		PathInSchema: thrift.Slice[string]{name},
		Codec:        format.Zstd,
		NumValues:    int64(c.rows),
	}
	valueEncoding := format.Plain
	var index []int32 // dictionary indexes of the values, when dictionary-encoded
	body := e.body[:0]
	hasDict, dictLen := false, 0
	switch {
	case c.typ == String && len(c.dict.values) > 0:
		index, hasDict, dictLen = c.index, true, len(c.dict.values)
		e.rankDictionary(c.dict.values)
		for _, s := range c.dict.values {
			body = binary.LittleEndian.AppendUint32(body, uint32(len(s)))
			body = append(body, s...)
		}
	case c.typ == Timestamp || c.typ == Double:
		// The values as their 8-byte words, in place: int64 and float64
		// have uint64's size and alignment, and the dictionary keys on bits.
		words := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(c.ints))), len(c.ints))
		if c.typ == Double {
			words = unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(c.floats))), len(c.floats))
		}
		if e.dictIndex, hasDict = e.dict.build(words, e.dictIndex); hasDict {
			index, dictLen = e.dictIndex, len(e.dict.values)
			for _, v := range e.dict.values {
				body = binary.LittleEndian.AppendUint64(body, v)
			}
		}
	}
	e.body = body
	width := 0
	if hasDict {
		valueEncoding = format.RLEDictionary
		width = max(1, bits.Len32(uint32(dictLen-1)))
		hdr := format.PageHeader{Type: format.DictionaryPage,
			DictionaryPageHeader: thrift.New(format.DictionaryPageHeader{NumValues: int32(dictLen), Encoding: format.Plain})}
		w.appendPage(e, &md, &hdr)
		md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DictionaryPage, Encoding: format.Plain, Count: 1})
	}
	md.DataPageOffset = int64(len(e.data))

	var chunk pageStats
	pages := 0
	v0 := 0
	for r0 := 0; r0 < c.rows; r0 += w.pageRows {
		r1 := min(r0+w.pageRows, c.rows)
		body := e.body[:0]
		v1 := v0 + (r1 - r0)
		if c.optional {
			def := c.def[r0:r1]
			v1 = v0 + bytes.Count(def, []byte{1})
			e.levels, _ = (&rle.Encoding{BitWidth: 1}).EncodeLevels(e.levels, def)
			body = binary.LittleEndian.AppendUint32(body, uint32(len(e.levels)))
			body = append(body, e.levels...)
		}
		var st pageStats
		st.nulls = int64((r1 - r0) - (v1 - v0))
		if hasDict {
			body = append(body, byte(width))
			e.packed, _ = (&rle.Encoding{BitWidth: width}).EncodeInt32(e.packed, index[v0:v1])
			body = append(body, e.packed...)
		}
		switch c.typ {
		case String:
			st.strings(index[v0:v1], e.rank, e.order, c.dict.values)
		case Timestamp:
			vals := c.ints[v0:v1]
			if !hasDict {
				body = slices.Grow(body, 8*len(vals))
				for _, v := range vals {
					body = binary.LittleEndian.AppendUint64(body, uint64(v))
				}
			}
			st.ints(vals)
		case Double:
			vals := c.floats[v0:v1]
			if !hasDict {
				body = slices.Grow(body, 8*len(vals))
				for _, v := range vals {
					body = binary.LittleEndian.AppendUint64(body, math.Float64bits(v))
				}
			}
			st.floats(vals)
		}
		e.body = body
		hdr := format.PageHeader{Type: format.DataPage,
			DataPageHeader: thrift.New(format.DataPageHeader{NumValues: int32(r1 - r0), Encoding: valueEncoding,
				DefinitionLevelEncoding: format.RLE, RepetitionLevelEncoding: format.RLE, Statistics: st.format()})}
		w.appendPage(e, &md, &hdr)
		chunk.merge(&st)
		pages++
		v0 = v1
	}
	md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DataPage, Encoding: valueEncoding, Count: int32(pages)})
	md.Encoding = thrift.Slice[format.Encoding]{format.Plain, format.RLE}
	if hasDict {
		md.Encoding = append(md.Encoding, format.RLEDictionary)
		md.DictionaryPageOffset = start
	}
	md.Statistics = chunk.format()
	return format.ColumnChunk{FileOffset: start, MetaData: md}, hasDict
}

// appendPage compresses e.body and appends it with its header to e.data.
func (w *Writer) appendPage(e *EncodedRowGroup, md *format.ColumnMetaData, hdr *format.PageHeader) {
	e.comp = w.zstd.EncodeAll(e.body, e.comp[:0])
	hdr.UncompressedPageSize = int32(len(e.body))
	hdr.CompressedPageSize = int32(len(e.comp))
	h, err := thrift.Marshal(new(thrift.CompactProtocol), hdr)
	if err != nil {
		// The header is a fixed struct of numbers and statistics; failing
		// to encode one is a bug, not a condition to handle.
		panic(fmt.Sprintf("flatparquet: encode page header: %v", err))
	}
	e.data = append(e.data, h...)
	e.data = append(e.data, e.comp...)
	md.TotalUncompressedSize += int64(len(h) + len(e.body))
	md.TotalCompressedSize += int64(len(h) + len(e.comp))
}

// rankDictionary sorts a dictionary's values (bytewise, Parquet's order
// for strings): e.order lists the indexes in sorted order, e.rank gives
// each index its place.
func (e *EncodedRowGroup) rankDictionary(values []string) {
	e.order = e.order[:0]
	for i := range values {
		e.order = append(e.order, int32(i))
	}
	slices.SortFunc(e.order, func(a, b int32) int {
		if values[a] < values[b] {
			return -1
		}
		if values[a] > values[b] {
			return 1
		}
		return 0
	})
	e.rank = slices.Grow(e.rank[:0], len(values))[:len(values)]
	for r, i := range e.order {
		e.rank[i] = int32(r)
	}
}
