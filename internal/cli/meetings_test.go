package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A meeting without samples (Zoom sent an empty page) has no start or end:
// the JSON leaves them out rather than saying year 1, as the table says -.
func TestMeetingWithoutSamples(t *testing.T) {
	db := tempDB(t)
	page := filepath.Join(t.TempDir(), "empty.json")
	os.WriteFile(page, []byte(`{"page_count":0,"page_size":10,"total_records":0,"next_page_token":"","participants":[]}`), 0o600)
	if r := zoomqos(t, "", "--db", db, "import", "--meeting", "EMPTY1", page); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := zoomqos(t, "", "--db", db, "meetings", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"id": "EMPTY1"`) || strings.Contains(r.stdout, "0001-01-01") || strings.Contains(r.stdout, `"start"`) {
		t.Errorf("meetings --json: %d %s %s", r.code, r.stdout, r.stderr)
	}
}
