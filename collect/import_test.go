package collect

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
	"github.com/zoomqos/zoomqos/store"
	"github.com/zoomqos/zoomqos/store/storetest"
)

func openDB(tb testing.TB) *store.DB {
	tb.Helper()
	db := storetest.MustOpen(tb)
	return db
}

func importString(t *testing.T, im *Importer, name, data string) error {
	t.Helper()
	return im.File(context.Background(), name, strings.NewReader(data))
}

func TestImportIdempotent(t *testing.T) {
	db := openDB(t)
	list, single := string(readTestdata(t, "list-page.json")), string(readTestdata(t, "participant-qos.json"))
	im := &Importer{DB: db, Meeting: store.Meeting{ID: "85012345678", Type: store.Past}}
	if err := importString(t, im, "list-page.json", list); err != nil {
		t.Fatal(err)
	}
	if err := importString(t, im, "participant-qos.json", single); err != nil {
		t.Fatal(err)
	}
	r := im.Report()
	if r.Files != 2 || r.Documents != 2 || r.RawNew != 2 || r.Participants != 3 || r.Sessions != 4 ||
		r.NewSessions != 4 || r.Added != 7 || r.Present != 0 || r.Problems.Count != 1 {
		t.Errorf("first import = %+v", r)
	}

	again := &Importer{DB: db, Meeting: im.Meeting}
	importString(t, again, "list-page.json", list)
	importString(t, again, "participant-qos.json", single)
	r = again.Report()
	if r.Added != 0 || r.Present != 7 || r.Replaced != 0 || r.RawNew != 0 || r.NewSessions != 0 {
		t.Errorf("second import = %+v, want all present", r)
	}
	sum, _ := db.Meeting(context.Background(), "85012345678")
	if sum.Samples != 7 || sum.Sessions != 4 || sum.Participants != 3 || sum.Documents != 2 {
		t.Errorf("stored = %+v", sum)
	}
}

func TestImportMalformedKeepsWhatCameBefore(t *testing.T) {
	db := openDB(t)
	im := &Importer{DB: db, Meeting: store.Meeting{ID: "m", Type: store.Past}}
	good := `{"user_id":"1","join_time":"2022-03-01T10:00:00Z","user_qos":[{"date_time":"2022-03-01T10:01:00Z","audio_input":{"latency":"20 ms"}}]}`
	other := strings.Replace(good, `"user_id":"1"`, `"user_id":"2"`, 1)
	err := importString(t, im, "broken.ndjson", good+"\n"+other+"\n"+`{"user_id":"3",`)
	if err == nil {
		t.Fatal("malformed input accepted")
	}
	var se *zoom.SyntaxError
	if !errors.As(err, &se) || se.Offset != int64(2*len(good)+2+len(`{"user_id":"3",`)) {
		t.Errorf("error = %v, want a syntax error at the end of the input", err)
	}
	for _, want := range []string{"broken.ndjson", "invalid JSON at byte", "2 document(s) before it were imported"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if err := importString(t, im, "ok.json", strings.Replace(good, `"1"`, `"4"`, 1)); err != nil {
		t.Fatal(err)
	}
	if sum, _ := db.Meeting(context.Background(), "m"); sum.Sessions != 3 || sum.Samples != 3 {
		t.Errorf("stored %d sessions, %d samples; want 3 and 3", sum.Sessions, sum.Samples)
	}
}

func TestImportRejectsWhatIsNotQoS(t *testing.T) {
	db := openDB(t)
	im := &Importer{DB: db, Meeting: store.Meeting{ID: "m", Type: store.Past}}
	err := importString(t, im, "token-error.json", `{"user_id":"1","user_qos":[]}`+"\n"+`{"code":124,"message":"Invalid access token."}`)
	if !errors.Is(err, zoom.ErrNotQoS) || !strings.Contains(err.Error(), "token-error.json") || !strings.Contains(err.Error(), "byte 30") {
		t.Errorf("error = %v, want zoom.ErrNotQoS naming the file and byte 30", err)
	}
	if err := importString(t, im, "empty.json", "  \n"); !errors.Is(err, zoom.ErrEmpty) || !strings.Contains(err.Error(), "empty.json") {
		t.Errorf("empty input: %v", err)
	}
}

// cancelingReader cancels a context once n bytes have been read: Ctrl-C in
// the middle of a file.
type cancelingReader struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelingReader) Read(p []byte) (int, error) {
	if len(p) > 256 {
		p = p[:256]
	}
	n, err := c.r.Read(p)
	if c.n -= n; c.n <= 0 {
		c.cancel()
	}
	return n, err
}

func TestImportInterruptedThenResumed(t *testing.T) {
	db := openDB(t)
	var all bytes.Buffer
	pages := fakezoom.ListPages(20, 2, 5, time.Date(2022, 3, 1, 10, 0, 0, 0, time.UTC))
	for _, p := range pages {
		all.Write(p)
		all.WriteByte('\n')
	}
	ctx, cancel := context.WithCancel(context.Background())
	im := &Importer{DB: db, Meeting: store.Meeting{ID: "m", Type: store.Past}}
	err := im.File(ctx, "pages.ndjson", &cancelingReader{r: bytes.NewReader(all.Bytes()), n: all.Len() / 2, cancel: cancel})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted import: %v, want context.Canceled", err)
	}
	first := im.Report().Added
	if first == 0 || first >= 20*2*5 {
		t.Fatalf("interrupted import stored %d samples; want some but not all", first)
	}
	again := &Importer{DB: db, Meeting: im.Meeting}
	if err := again.File(context.Background(), "pages.ndjson", bytes.NewReader(all.Bytes())); err != nil {
		t.Fatal(err)
	}
	if again.Report().Present != first || again.Report().Added != 200-first {
		t.Errorf("resumed import: %d present, %d added; want %d and %d", again.Report().Present, again.Report().Added, first, 200-first)
	}
}

// Reparse rebuilds samples from the raw copies: wipe them, reparse, and
// everything is back.
func TestReparseRebuildsFromRaw(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	im := &Importer{DB: db, Meeting: store.Meeting{ID: "m", Type: store.Past}}
	importString(t, im, "list-page.json", string(readTestdata(t, "list-page.json")))
	var before bytes.Buffer
	dumpAll(t, db, &before)

	if _, err := db.Rebuild(ctx, "m", func(store.RawDoc) (store.Parsed, error) { return store.Parsed{}, nil }); err != nil {
		t.Fatal(err)
	}
	if sum, _ := db.Meeting(ctx, "m"); sum.Samples != 0 {
		t.Fatalf("wipe left %d samples", sum.Samples)
	}
	res, probs, err := Reparse(ctx, db, "m")
	if err != nil {
		t.Fatal(err)
	}
	if res.Documents != 1 || res.SamplesAfter != 6 || res.SessionsAfter != 3 || probs.Count != 1 {
		t.Errorf("reparse = %+v, problems %d", res, probs.Count)
	}
	var after bytes.Buffer
	dumpAll(t, db, &after)
	if before.String() != after.String() {
		t.Errorf("reparsed data differs:\n%s\nwant\n%s", after.String(), before.String())
	}
}

func dumpAll(t *testing.T, db *store.DB, w io.Writer) {
	t.Helper()
	err := db.ForEachSample(context.Background(), "m", func(s *store.Session, smp *store.Sample) error {
		_, err := io.WriteString(w, s.Participant+" "+s.UserName+" "+smp.Time.String()+" "+formatValues(smp.Values)+"\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func formatValues(vs []store.Value) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "%s.%s=%v ", v.Stream, v.Metric, v.V)
	}
	return b.String()
}

// A gzip file cut off (its trailer, or more, missing) says so, names the
// file and how much came out before the cut, and keeps every document
// before the cut imported.
func TestImportCutGzip(t *testing.T) {
	var plain bytes.Buffer
	for _, p := range fakezoom.ListPages(6, 2, 5, time.Date(2022, 3, 1, 10, 0, 0, 0, time.UTC)) {
		plain.Write(p)
		plain.WriteByte('\n')
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(plain.Bytes())
	zw.Close()
	for _, tc := range []struct {
		name string
		keep int // compressed bytes kept
		docs int // documents wholly before the cut
	}{
		{"trailer missing", zipped.Len() - 8, 6},
		{"cut in the middle", zipped.Len() / 2, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cut := zipped.Bytes()[:tc.keep]
			// What a gzip reader gets out of the cut file, and how many
			// whole documents that holds.
			zr, _ := gzip.NewReader(bytes.NewReader(cut))
			out, rerr := io.ReadAll(zr)
			if !errors.Is(rerr, io.ErrUnexpectedEOF) {
				t.Fatalf("the cut file reads with %v", rerr)
			}
			docs := tc.docs
			if docs < 0 {
				docs = bytes.Count(out, []byte("\n"))
			}
			db := openDB(t)
			im := &Importer{DB: db, Meeting: store.Meeting{ID: "m", Type: store.Past}}
			err := im.File(context.Background(), "qos.ndjson.gz", bytes.NewReader(cut))
			zoomtest.MustSay(t, tc.name, err, "qos.ndjson.gz: ", "the gzip stream is cut off", fmt.Sprintf("after %d bytes decompressed", len(out)),
				fmt.Sprintf("the %d document(s) before it were imported", docs))
			if strings.Contains(fmt.Sprint(err), "invalid JSON at byte 0") {
				t.Errorf("%s: %v", tc.name, err)
			}
			if im.Report().Documents != docs {
				t.Errorf("%s: %d documents imported, want the %d before the cut", tc.name, im.Report().Documents, docs)
			}
		})
	}
}

// A bad document stops its own file, not the import: the documents before
// it and the other files' are committed, each into its meeting, the ones
// after it are not, and the error names the file.
func TestImportFilesBadDocumentStopsItsFile(t *testing.T) {
	db := openDB(t)
	sample := func(user string) string {
		return `{"user_id":"` + user + `","join_time":"2022-03-01T10:00:00Z","user_qos":[{"date_time":"2022-03-01T10:01:00Z","audio_input":{"latency":"20 ms"}}]}`
	}
	in := func(name, meeting, data string) Input {
		return Input{Name: name, Meeting: store.Meeting{ID: meeting, Type: store.Past},
			Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(data)), nil }}
	}
	im := &Importer{DB: db}
	err := im.Files(context.Background(), []Input{
		in("a.ndjson", "850000000001", sample("1")+"\n"+sample("2")),
		in("b.ndjson", "850000000002", sample("1")+"\n"+`{"code":124,"message":"Invalid access token."}`+"\n"+sample("2")),
		in("c.json", "850000000002", sample("3")),
	})
	if err == nil || !strings.Contains(err.Error(), "b.ndjson: document at byte") ||
		!strings.Contains(err.Error(), "(the 1 document(s) before it were imported)") || strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("error = %v, want one line naming b.ndjson", err)
	}
	for id, want := range map[string]int{"850000000001": 2, "850000000002": 2} {
		if m, err := db.Meeting(context.Background(), id); err != nil || m.Samples != want {
			t.Errorf("meeting %s: %d samples (%v), want %d", id, m.Samples, err, want)
		}
	}
	if ms := im.Meetings(); len(ms) != 2 || ms[0].Files != 1 || ms[0].Added != 2 || ms[1].Files != 2 || ms[1].Added != 2 {
		t.Errorf("meetings = %+v", ms)
	}
	if r := im.Report(); r.Files != 3 || r.Documents != 4 || r.Added != 4 {
		t.Errorf("report = %+v", r)
	}
}
