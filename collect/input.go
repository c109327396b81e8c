package collect

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// SyntaxError is malformed JSON in an input, at a byte offset.
type SyntaxError struct {
	Offset  int64  // bytes from the start of the input (after gzip decompression)
	Pointer string // JSON pointer of the value it is in, when known
	Msg     string
}

func (e *SyntaxError) Error() string {
	if e.Pointer != "" {
		return fmt.Sprintf("invalid JSON at byte %d (in %s): %s", e.Offset, e.Pointer, e.Msg)
	}
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

// ErrEmpty means an input held no JSON document at all.
var ErrEmpty = errors.New("no JSON document in it")

// Documents reads JSON documents from r and calls fn with each one's byte
// offset and bytes, which are valid only during the call. r may hold one
// document, several concatenated ones, NDJSON, or a JSON array of documents;
// it may start with a UTF-8 byte order mark and may be gzip-compressed.
// Documents before a syntax error are passed to fn before the error is
// returned.
func Documents(r io.Reader, fn func(offset int64, doc []byte) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	var bom int64
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		bom = 3
	}
	dec := jsontext.NewDecoder(br, decodeOptions...)
	n := 0
	next := func() (int64, []byte, error) {
		v, err := dec.ReadValue()
		if err != nil {
			return 0, nil, err
		}
		return bom + dec.InputOffset() - int64(len(v)), v, nil
	}
	for {
		if dec.PeekKind() == '[' && dec.StackDepth() == 0 {
			// A JSON array of documents, as some tools save a series of responses.
			if _, err := dec.ReadToken(); err != nil {
				return syntaxError(err, bom)
			}
			for dec.PeekKind() != ']' {
				off, v, err := next()
				if err != nil {
					return syntaxError(err, bom)
				}
				n++
				if err := fn(off, v); err != nil {
					return err
				}
			}
			if _, err := dec.ReadToken(); err != nil {
				return syntaxError(err, bom)
			}
			continue
		}
		off, v, err := next()
		if err == io.EOF {
			if n == 0 {
				return ErrEmpty
			}
			return nil
		}
		if err != nil {
			return syntaxError(err, bom)
		}
		n++
		if err := fn(off, v); err != nil {
			return err
		}
	}
}

// syntaxError turns a decoder error into a SyntaxError with an absolute
// offset; other errors (a failing reader) pass through.
func syntaxError(err error, bom int64) error {
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		msg := "malformed"
		if se.Err != nil {
			msg = se.Err.Error()
		}
		return &SyntaxError{Offset: bom + se.ByteOffset, Pointer: string(se.JSONPointer), Msg: msg}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &SyntaxError{Msg: "the input ends in the middle of a JSON value"}
	}
	return err
}
