package zoom

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"unicode/utf8"

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

// GzipError is a gzip-compressed input that could not be read to its end:
// cut off (its trailer or more is missing) or damaged.
type GzipError struct {
	Decompressed int64 // bytes decompressed before the trouble
	Err          error // io.ErrUnexpectedEOF when cut off
}

func (e *GzipError) Error() string {
	if errors.Is(e.Err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("the gzip stream is cut off after %d bytes decompressed: the file is incomplete", e.Decompressed)
	}
	return fmt.Sprintf("the gzip stream is damaged after %d bytes decompressed (%v)", e.Decompressed, e.Err)
}

func (e *GzipError) Unwrap() error { return e.Err }

// gzipCounter counts the bytes a gzip reader gives and keeps its error.
type gzipCounter struct {
	r   io.Reader
	n   int64
	err error
}

func (g *gzipCounter) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.n += int64(n)
	if err != nil && err != io.EOF {
		g.err = err
	}
	return n, err
}

// Documents reads JSON documents from r and calls fn with each one's byte
// offset and bytes, which are valid only during the call. r may hold one
// document, several concatenated ones, NDJSON, or a JSON array of documents;
// it may start with a UTF-8 byte order mark and may be gzip-compressed.
// Documents before a syntax error, or before the cut in a cut-off gzip
// file (a *GzipError), are passed to fn before the error is returned.
func Documents(r io.Reader, fn func(offset int64, doc []byte) error) (err error) {
	if whole, ok, err := readWhole(r); err != nil {
		return err
	} else if ok && !(len(whole) >= 2 && whole[0] == 0x1f && whole[1] == 0x8b) {
		var bom int64
		if bytes.HasPrefix(whole, []byte("\xef\xbb\xbf")) {
			whole, bom = whole[3:], 3
		}
		// The decoder reads a bytes.Buffer in place: no copy, no buffer
		// grown a document at a time.
		return documents(jsontext.NewDecoder(bytes.NewBuffer(whole), decodeOptions...), bom, fn)
	} else if ok {
		// A gzip file, read whole already: it is decompressed as a
		// stream, from those bytes.
		r = bytes.NewReader(whole)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, zerr := gzip.NewReader(br)
		if zerr != nil {
			// Cut inside its 10-byte header, or a header that is not gzip's.
			if zerr == io.EOF {
				zerr = io.ErrUnexpectedEOF
			}
			return &GzipError{Err: zerr}
		}
		defer zr.Close()
		gz := &gzipCounter{r: zr}
		defer func() {
			// What the JSON decoder makes of a cut is beside the point.
			if gz.err != nil && err != nil {
				err = &GzipError{Decompressed: gz.n, Err: gz.err}
			}
		}()
		br = bufio.NewReaderSize(gz, 64<<10)
	}
	var bom int64
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		bom = 3
	}
	return documents(jsontext.NewDecoder(br, decodeOptions...), bom, fn)
}

// wholeLimit is the largest regular file Documents reads at once.
const wholeLimit = 256 << 20

// readWhole reads all of r when it is a regular file of at most wholeLimit
// bytes (a saved page is one or two megabytes): ok is false, and nothing
// read, for anything else (a pipe keeps its documents coming one by one).
func readWhole(r io.Reader) (b []byte, ok bool, err error) {
	st, isFile := r.(interface{ Stat() (fs.FileInfo, error) })
	if !isFile {
		return nil, false, nil
	}
	fi, err := st.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > wholeLimit {
		return nil, false, nil
	}
	b = make([]byte, 0, fi.Size()+1) // +1: the EOF is seen without growing
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, true, nil
		}
		if err != nil {
			return nil, true, err
		}
		if len(b) == cap(b) {
			if len(b) > wholeLimit {
				return nil, true, fmt.Errorf("the file grew past %d bytes while read", wholeLimit)
			}
			b = append(b, 0)[:len(b)] // it grew while read
		}
	}
}

// documents reads the documents of an input, bom bytes after its start.
func documents(dec *jsontext.Decoder, bom int64, fn func(offset int64, doc []byte) error) error {
	n := 0
	// start is where the next value begins: after the whitespace the
	// decoder has peeked past.
	start := func() int64 {
		buf := dec.UnreadBuffer()
		return bom + dec.InputOffset() + int64(len(buf)-len(bytes.TrimLeft(buf, " \t\r\n")))
	}
	next := func() (int64, []byte, error) {
		dec.PeekKind()
		at := start()
		v, err := dec.ReadValue()
		if err != nil {
			return 0, nil, syntaxError(err, bom, at)
		}
		return bom + dec.InputOffset() - int64(len(v)), v, nil
	}
	for {
		if dec.PeekKind() == '[' && dec.StackDepth() == 0 {
			// A JSON array of documents, as some tools save a series of responses.
			if _, err := dec.ReadToken(); err != nil {
				return syntaxError(err, bom, start())
			}
			for dec.PeekKind() != ']' {
				off, v, err := next()
				if err != nil {
					return err
				}
				n++
				if err := fn(off, v); err != nil {
					return err
				}
			}
			if _, err := dec.ReadToken(); err != nil {
				return syntaxError(err, bom, start())
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
			return err
		}
		n++
		if err := fn(off, v); err != nil {
			return err
		}
	}
}

// maxQuote bounds what an error quotes of its input, in bytes: enough to
// recognise it, never a line of kilobytes.
const maxQuote = 200

// clipPointer shortens a JSON pointer longer than maxQuote (a value nested
// thousands deep, or under a name of kilobytes) to its beginning and its
// end, saying how deep it is.
func clipPointer(p string) string {
	if len(p) <= maxQuote {
		return p
	}
	head, tail := clip(p, maxQuote/3), p[len(p)-maxQuote/2:]
	for len(tail) > 0 && !utf8.RuneStart(tail[0]) {
		tail = tail[1:]
	}
	return fmt.Sprintf("%s/.../%s, %d levels deep", strings.TrimSuffix(head, "..."), strings.TrimLeft(tail, "/"), strings.Count(p, "/"))
}

// syntaxError turns a decoder error into a SyntaxError with an absolute
// offset; other errors (a failing reader) pass through. An input that
// ends between values in the middle of nothing the decoder can point at is
// reported at the byte where the unfinished value began (start).
func syntaxError(err error, bom, start int64) error {
	if err == io.EOF {
		return err
	}
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		msg := "malformed"
		if se.Err != nil {
			msg = se.Err.Error()
		}
		return &SyntaxError{Offset: bom + se.ByteOffset, Pointer: clipPointer(string(se.JSONPointer)), Msg: clip(msg, maxQuote)}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &SyntaxError{Offset: start, Msg: "the input ends in the middle of a JSON value"}
	}
	return err
}
