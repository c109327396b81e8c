package cli

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Helpers the commands share to write what they print.

// oneOf refuses a flag's value that is none of the choices, as a usage
// error that lists them: "--format \"xml\": use table, json or csv".
func oneOf(flag, v string, choices ...string) error {
	if slices.Contains(choices, v) {
		return nil
	}
	last := len(choices) - 1
	return usageError{fmt.Errorf("%s %q: use %s or %s", flag, v, strings.Join(choices[:last], ", "), choices[last])}
}

// writeJSON writes v indented, maps in key order, as it goes: an analysis
// of a big meeting runs to tens of megabytes.
func writeJSON(w io.Writer, v any) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := json.MarshalWrite(bw, v, json.Deterministic(true), jsontext.WithIndent("  ")); err != nil {
		return err
	}
	if err := bw.WriteByte('\n'); err != nil {
		return err
	}
	return bw.Flush()
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// humanBytes writes a size as people read it: 2.4 MB.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
