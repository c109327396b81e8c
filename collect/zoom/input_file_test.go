package zoom

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// A regular file is read whole and decoded in place; what Documents makes
// of it, documents, offsets and errors, is what it makes of the same bytes
// as a stream.
func TestDocumentsFileAsStream(t *testing.T) {
	doc := `{"user_id":"1","user_qos":[]}`
	for name, input := range map[string]string{
		"one":       doc,
		"ndjson":    doc + "\n" + doc + "\n",
		"array":     "[" + doc + ",\n" + doc + "]",
		"bom":       "\xef\xbb\xbf" + doc,
		"malformed": doc + "\n" + `{"user_id":"2",` + "\n",
		"empty":     "",
		"spaces":    "  \n ",
		"not json":  "hello",
	} {
		t.Run(name, func(t *testing.T) {
			read := func(r interface{ Read([]byte) (int, error) }) string {
				var out bytes.Buffer
				err := Documents(r, func(off int64, d []byte) error {
					fmt.Fprintf(&out, "%d:%s\n", off, d)
					return nil
				})
				fmt.Fprintf(&out, "error: %v", err)
				return out.String()
			}
			path := filepath.Join(t.TempDir(), "in.json")
			if err := os.WriteFile(path, []byte(input), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got, want := read(f), read(bytes.NewReader([]byte(input))); got != want {
				t.Errorf("from the file:\n%s\nas a stream:\n%s", got, want)
			}
		})
	}
}
