package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
	"github.com/zoomqos/zoomqos/store"
)

// A folder of saved responses imports in one command: each file into the
// meeting its name (or its directory's) gives, a bad file named on a line
// of its own while the others go in, and the same import again adds
// nothing.
func TestImportDirectory(t *testing.T) {
	dir := t.TempDir()
	files, err := zoomtest.WriteSavedMeetings(dir, zoomtest.SavedMeetings{Meetings: 3, Participants: 20, Minutes: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A meeting's folder: the number in the directory's name.
	sub := filepath.Join(dir, "more", "85000000009")
	os.MkdirAll(sub, 0o700)
	page, _ := os.ReadFile(files[0].Path)
	os.WriteFile(filepath.Join(sub, "page-1.json"), page, 0o600)
	// What does not belong: a file without a number, a saved error, a file
	// import does not read.
	os.WriteFile(filepath.Join(dir, "notes.json"), page, 0o600)
	os.WriteFile(filepath.Join(dir, "85000000002-qos-9.json"), []byte(`{"code":124,"message":"Invalid access token."}`), 0o600)
	os.WriteFile(filepath.Join(dir, "README.txt"), []byte("saved with curl\n"), 0o600)

	db := tempDB(t)
	for run, want := range []string{"samples       350 added, 0 already present", "samples       0 added, 350 already present"} {
		r := zoomqos(t, "", "--db", db, "import", dir)
		if r.code != 1 {
			t.Fatalf("run %d: exit %d, want 1: %s", run, r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if len(lines) != 2 {
			t.Fatalf("run %d: stderr is %d lines, want one a bad file: %q", run, len(lines), r.stderr)
		}
		for _, words := range [][]string{
			{filepath.Join(dir, "85000000002-qos-9.json") + ": document at byte 0", "Zoom error (code 124"},
			{"import " + filepath.Join(dir, "notes.json") + ": no meeting number", "--meeting"},
		} {
			said := false
			for _, l := range lines {
				said = said || strings.Contains(l, words[0]) && strings.Contains(l, words[1])
			}
			if !said {
				t.Errorf("run %d: no line of stderr says %q and %q: %q", run, words[0], words[1], r.stderr)
			}
		}
		for _, w := range []string{"4 meetings (past): 11 files, 10 documents", want,
			"meeting 85000000009: 1 document, 10 sessions"} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("run %d: output does not say %q:\n%s", run, w, r.stdout)
			}
		}
	}

	s, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for id, want := range map[string]int{"85000000001": 100, "85000000002": 100, "85000000003": 100, "85000000009": 50} {
		m, err := s.Meeting(context.Background(), id)
		if err != nil {
			t.Fatalf("meeting %s: %v", id, err)
		}
		if m.Samples != want || m.Type != store.Past {
			t.Errorf("meeting %s: %d samples (%s), want %d", id, m.Samples, m.Type, want)
		}
	}
	// The details beside the pages named the meeting's topic.
	if m, _ := s.Meeting(context.Background(), "85000000002"); m.Topic != "Weekly sync 1" {
		t.Errorf("meeting 85000000002: topic %q", m.Topic)
	}
}

// --meeting still takes every file, whatever its name; standard input
// needs it.
func TestImportNamesTheMeeting(t *testing.T) {
	db := tempDB(t)
	r := zoomqos(t, "", "--db", db, "import", "--meeting", "85012345678", "testdata/participant-qos.json")
	if r.code != 0 || !strings.Contains(r.stdout, "meeting 85012345678 (past): 1 file, 1 document") {
		t.Errorf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	r = zoomqos(t, `{"user_id":"1"}`, "--db", db, "import", "-")
	oneLine(t, r, 2, "needs --meeting ID", "standard input names no meeting")
}
