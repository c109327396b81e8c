package storetest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// fakeTB records failures instead of failing the test that runs it.
type fakeTB struct {
	testing.TB
	errs []string
}

func (f *fakeTB) Errorf(format string, a ...any) { f.errs = append(f.errs, format) }
func (f *fakeTB) Helper()                        {}

func page(id string) *store.Page {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	s := store.SessionSamples{Session: store.Session{Participant: "p1", UserName: "Ada Lovelace", JoinTime: t0}}
	for i := range 5 {
		s.Samples = append(s.Samples, store.Sample{Time: t0.Add(time.Duration(i) * time.Minute),
			Values: []store.Value{{Stream: store.AudioInput, Metric: store.Latency, V: float64(10 + i)}}})
	}
	return &store.Page{Meeting: store.Meeting{ID: id, Type: store.Past}, Sessions: []store.SessionSamples{s},
		Source: "test", Raw: []byte(`{"participants":[]}`)}
}

// A database written through the store passes; the same file with a
// stored record changed behind the store's back does not.
func TestCheckCatchesDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qos.db")
	db := MustOpenAt(t, path, store.Options{})
	if _, err := db.PutPage(context.Background(), page("m1")); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var ok fakeTB
	Check(&ok, path)
	if len(ok.errs) != 0 {
		t.Fatalf("a sound file fails the check: %v", ok.errs)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.db")
	i := bytes.Index(data, []byte("Ada"))
	if i < 0 {
		t.Skip("the session's name is not stored in plain text")
	}
	data[i] = 'E'
	if err := os.WriteFile(bad, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var damaged fakeTB
	Check(&damaged, bad)
	if len(damaged.errs) == 0 {
		t.Error("a changed record passes the check")
	}
}
