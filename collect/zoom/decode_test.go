package zoom

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t *testing.T, doc string) (Page, Problems) {
	t.Helper()
	var probs Problems
	page, err := NewParser().Parse([]byte(doc), &probs)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return page, probs
}

func get(t *testing.T, smp store.Sample, st store.Stream, m store.Metric) float64 {
	t.Helper()
	v, ok := smp.Get(st, m)
	if !ok {
		t.Fatalf("%s %s absent at %s, want a value", st, m, smp.Time)
	}
	return v
}

// The shared sample: the single-participant shape this project began from.
func TestParseSharedSample(t *testing.T) {
	page, probs := mustParse(t, string(readTestdata(t, "participant-qos.json")))
	if page.List {
		t.Error("single-participant shape parsed as a list page")
	}
	if probs.Count != 0 || len(probs.Unknown) != 0 {
		t.Errorf("problems = %+v, want none", probs)
	}
	if got, want := len(page.Participants), 1; got != want {
		t.Fatalf("participants = %d, want %d", got, want)
	}
	s := page.Participants[0].Session
	join := time.Date(2021, 6, 24, 20, 0, 0, 0, time.UTC)
	want := store.Session{
		Participant: "1670000000", JoinTime: join, LeaveTime: join,
		UserID: "1670000000", UserName: "User", Device: "Android", IPAddress: "192.0.2.0",
		Location: "San Jose (US)", PCName: "User's Phone", Domain: "user-android", Version: "4.4.55383.0726",
	}
	if !sessionEqual(s, want) {
		t.Errorf("session = %+v\nwant %+v", s, want)
	}
	smps := page.Participants[0].Samples
	if len(smps) != 1 || !smps[0].Time.Equal(join) {
		t.Fatalf("samples = %+v, want one at %s", smps, join)
	}
	smp := smps[0]
	checkValues(t, smp, []valueCheck{
		{store.AudioInput, store.Bitrate, 23}, {store.AudioInput, store.Latency, 126},
		{store.AudioInput, store.Jitter, 6}, {store.AudioInput, store.AvgLoss, 0.3},
		{store.AudioInput, store.MaxLoss, 1.9}, {store.AudioOutput, store.Bitrate, 63},
		{store.VideoInput, store.Bitrate, 1055}, {store.VideoInput, store.FrameRate, 12},
		{store.VideoInput, store.Width, 1280}, {store.VideoInput, store.Height, 720},
		{store.VideoOutput, store.Width, 640}, {store.VideoOutput, store.FrameRate, 22},
		{store.ASInput, store.Width, 0}, {store.ASInput, store.Height, 0},
		{store.ASOutput, store.Latency, 135},
		{store.CPUUsage, store.ZoomMinCPU, 8}, {store.CPUUsage, store.ZoomAvgCPU, 12},
		{store.CPUUsage, store.ZoomMaxCPU, 18}, {store.CPUUsage, store.SystemMaxCPU, 40},
	})
	// "frame_rate": "" is absent, not 0.
	if v, ok := smp.Get(store.ASInput, store.FrameRate); ok {
		t.Errorf("as_input frame_rate = %v, want absent", v)
	}
	if got, want := len(smp.Values), 5+5+8+8+7+7+4; got != want {
		t.Errorf("values = %d, want %d", got, want)
	}
}

// valueCheck is one value a parsed sample must hold.
type valueCheck struct {
	st   store.Stream
	m    store.Metric
	want float64
}

func checkValues(t *testing.T, smp store.Sample, checks []valueCheck) {
	t.Helper()
	for _, c := range checks {
		if got := get(t, smp, c.st, c.m); got != c.want {
			t.Errorf("%s %s = %v, want %v", c.st, c.m, got, c.want)
		}
	}
}

func sessionEqual(a, b store.Session) bool {
	return a.Participant == b.Participant && a.JoinTime.Equal(b.JoinTime) && a.LeaveTime.Equal(b.LeaveTime) &&
		a.UserID == b.UserID && a.UserName == b.UserName && a.Device == b.Device && a.IPAddress == b.IPAddress &&
		a.Location == b.Location && a.PCName == b.PCName && a.Domain == b.Domain && a.Version == b.Version &&
		a.MACAddr == b.MACAddr && a.HarddiskID == b.HarddiskID
}

// The list page in testdata carries every stream, the newer fields, a
// rejoin and the odd value shapes.
func TestParseListPage(t *testing.T) {
	page, probs := mustParse(t, string(readTestdata(t, "list-page.json")))
	if !page.List || page.PageCount != 1 || page.PageSize != 10 || page.TotalRecords != 4 {
		t.Errorf("page header = %+v", page)
	}
	if got, want := len(page.Participants), 3; got != want {
		t.Fatalf("participant objects = %d, want %d", got, want)
	}
	first, rejoin, phone := page.Participants[0], page.Participants[1], page.Participants[2]

	// A rejoin is the same participant with another join time: another session.
	if first.Session.Participant != rejoin.Session.Participant || first.Session.Key() == rejoin.Session.Key() {
		t.Errorf("rejoin keys %v and %v: want same participant, different sessions", first.Session.Key(), rejoin.Session.Key())
	}
	// No id: user_id identifies the participant.
	if got, want := phone.Session.Participant, "16780288"; got != want {
		t.Errorf("participant without id = %q, want user_id %q", got, want)
	}

	s := first.Session
	for name, got := range map[string]string{
		"email": s.Email, "network_type": s.NetworkType, "data_center": s.DataCenter,
		"full_data_center": s.FullDataCenter, "connection_type": s.ConnectionType, "client": s.Client,
		"os": s.OS, "os_version": s.OSVersion, "mac_addr": s.MACAddr, "harddisk_id": s.HarddiskID,
	} {
		if got == "" {
			t.Errorf("%s not parsed", name)
		}
	}
	if got := strings.Join(s.InternalIPAddresses, ","); got != "10.0.0.5,fe80::1" {
		t.Errorf("internal_ip_addresses = %q", got)
	}

	smp := first.Samples[0]
	if want := time.Date(2022, 3, 1, 10, 16, 0, 0, time.UTC); !smp.Time.Equal(want) {
		t.Errorf("seven-digit fraction with +00:00: time = %s, want %s", smp.Time, want)
	}
	for _, st := range store.Streams() {
		if st == store.ASOutput {
			continue // all absent in the fixture
		}
		if !smp.Has(st) {
			t.Errorf("stream %s missing from the full sample", st)
		}
	}
	checkValues(t, smp, []valueCheck{
		{store.AudioInput, store.Bitrate, 27.15}, {store.AudioOutput, store.Bitrate, 23},
		{store.AudioOutput, store.Jitter, 6}, {store.VideoInput, store.Bitrate, 1200},
		{store.VideoOutput, store.Bitrate, 673}, {store.AudioInput, store.AvgLoss, 0.03},
		{store.AudioDeviceToRWG, store.MaxLoss, 0.8}, {store.ASDeviceToRWG, store.FrameRate, 8},
		{store.VideoDeviceFromCRC, store.Width, 1280},
		{store.WiFiRSSI, store.RSSIMin, -75}, {store.WiFiRSSI, store.RSSIAvg, -69}, {store.WiFiRSSI, store.RSSIMax, -35},
		{store.CPUPressure, store.PressureMin, 0}, {store.CPUPressure, store.PressureAvg, 1}, {store.CPUPressure, store.PressureMax, 2},
	})
	for _, m := range []store.Metric{store.Bitrate, store.Latency, store.Jitter, store.AvgLoss, store.MaxLoss, store.FrameRate} {
		if v, ok := smp.Get(store.ASInput, m); ok {
			t.Errorf("as_input %s = %v from an empty string, want absent", m, v)
		}
		if v, ok := smp.Get(store.ASOutput, m); ok {
			t.Errorf("as_output %s = %v from -, N/A, null or empty, want absent", m, v)
		}
	}

	// "frame_rate": "fast" is absent and reported with its path.
	if _, ok := first.Samples[1].Get(store.VideoInput, store.FrameRate); ok {
		t.Error("unparseable frame rate stored")
	}
	if probs.Count != 1 || len(probs.First) != 1 {
		t.Fatalf("problems = %+v, want exactly the frame rate", probs)
	}
	if got, want := probs.First[0].Path, "participants[0].user_qos[1].video_input.frame_rate"; got != want {
		t.Errorf("problem path = %q, want %q", got, want)
	}
	if got, want := probs.First[0].Value, `"fast"`; got != want {
		t.Errorf("problem value = %q, want %q", got, want)
	}
	// An empty stream object is no data, not zeros.
	if phone.Samples[1].Has(store.AudioInput) {
		t.Error("empty audio_input object produced values")
	}
}

func TestParseProblemsAndUnknowns(t *testing.T) {
	doc := `{"user_id":"7","join_time":"2022-03-01T10:00:00Z","shoe_size":42,"user_qos":[
		{"date_time":"2022-03-01T10:01:00Z","audio_input":{"bitrate":true,"latency":{"v":1},"jitter":5,"avg_loss":"1%","max_loss":"x","echo":"1"},
		 "hologram":{"bitrate":"1 kbps"},"video_input":"broken"},
		{"date_time":"not a time","audio_input":{"bitrate":"9 kbps"}},
		{"audio_input":{"bitrate":"9 kbps"}},
		{"date_time":"2022-03-01T10:02:00Z","wifi_rssi":{"min_rssi":-70,"avg_rssi":"-60","max_rssi":"-50 dBm","rssi_unit":"mW"}},
		"nonsense"
	]}`
	page, probs := mustParse(t, doc)
	smps := page.Participants[0].Samples
	if got, want := len(smps), 2; got != want {
		t.Fatalf("samples = %d, want %d (the ones with a readable time)", got, want)
	}
	if got := get(t, smps[0], store.AudioInput, store.Jitter); got != 5 {
		t.Errorf("numeric jitter = %v, want 5", got)
	}
	if got := get(t, smps[0], store.AudioInput, store.AvgLoss); got != 1 {
		t.Errorf("avg_loss = %v, want 1", got)
	}
	for _, m := range []store.Metric{store.Bitrate, store.Latency, store.MaxLoss} {
		if _, ok := smps[0].Get(store.AudioInput, m); ok {
			t.Errorf("bad %s stored", m)
		}
	}
	if smps[1].Has(store.WiFiRSSI) {
		t.Error("RSSI in mW stored as dBm")
	}
	// bitrate true, latency object, max_loss "x", video_input "broken", bad
	// date_time, missing date_time, rssi_unit mW, a sample that is a string.
	if got, want := probs.Count, 8; got != want {
		t.Errorf("problem count = %d, want %d: %+v", got, want, probs.First)
	}
	if got, want := len(probs.First), maxProblems; got != want {
		t.Errorf("kept %d problems word for word, want %d", got, want)
	}
	for _, f := range []string{"shoe_size", "user_qos[].hologram", "user_qos[].audio_input.echo"} {
		if probs.Unknown[f] != 1 {
			t.Errorf("unknown field %q not reported: %v", f, probs.Unknown)
		}
	}
}

func TestParseNotQoS(t *testing.T) {
	for name, doc := range map[string]string{
		"zoom error":   `{"code":124,"message":"Invalid access token."}`,
		"meeting list": `{"from":"2022-01-01","to":"2022-01-31","meetings":[]}`,
		"array":        `[1,2,3]`,
		"string":       `"hello"`,
		"participants": `{"participants":"many"}`,
	} {
		t.Run(name, func(t *testing.T) {
			var probs Problems
			_, err := NewParser().Parse([]byte(doc), &probs)
			if !errors.Is(err, ErrNotQoS) {
				t.Errorf("Parse(%s) error = %v, want ErrNotQoS", doc, err)
			}
		})
	}
	var probs Problems
	_, err := NewParser().Parse([]byte(`{"code":124,"message":"Invalid access token."}`), &probs)
	if err == nil || !strings.Contains(err.Error(), "124") || !strings.Contains(err.Error(), "Invalid access token") {
		t.Errorf("Zoom error document: %v, want the code and message quoted", err)
	}
	// A discovery list says which list it is, for the caller to say what
	// reads it.
	_, err = NewParser().Parse([]byte(`{"page_size":300,"webinars":[]}`), &probs)
	var le *ListError
	if !errors.As(err, &le) || le.List != "webinars" || err.Error() != "not a Zoom QoS response: it is a list of webinars (GET /metrics/webinars)" {
		t.Errorf("webinar list: %v, want a ListError of webinars", err)
	}
}

// Escaped strings and odd participant field types still parse.
func TestParseEscapesAndNumbers(t *testing.T) {
	page, probs := mustParse(t, `{"id":"a\"b","user_name":"Zo\u00eb \ud83d\ude00","meeting_number":85012345678,
		"issue_list":"Unstable audio","join_time":"2022-03-01T10:00:00Z",
		"user_qos":[{"date_time":"2022-03-01T10:01:00Z","audio_input":{"bitrate":"2\u0033 kbps"}}]}`)
	s := page.Participants[0].Session
	if s.Participant != `a"b` || s.UserName != "Zoë 😀" || s.MeetingNumber != "85012345678" {
		t.Errorf("session = %+v", s)
	}
	if len(s.IssueList) != 1 || s.IssueList[0] != "Unstable audio" {
		t.Errorf("issue_list = %v", s.IssueList)
	}
	if got := get(t, page.Participants[0].Samples[0], store.AudioInput, store.Bitrate); got != 23 {
		t.Errorf("escaped bitrate = %v, want 23", got)
	}
	if probs.Count != 0 {
		t.Errorf("problems: %+v", probs.First)
	}
}

func TestDocuments(t *testing.T) {
	one := `{"user_id":"1","user_qos":[]}`
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	tests := []struct {
		name    string
		in      string
		offsets []int64
	}{
		{"one", one, []int64{0}},
		{"concatenated", one + one, []int64{0, 29}},
		{"ndjson", one + "\n" + one + "\n", []int64{0, 30}},
		{"array", "[" + one + ",\n" + one + "]", []int64{1, 32}},
		{"bom", "\xef\xbb\xbf" + one, []int64{3}},
		{"leading space", "  \n" + one, []int64{3}},
		{"gzip", gz(one + "\n" + one), []int64{0, 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			err := Documents(strings.NewReader(tt.in), func(off int64, doc []byte) error {
				got = append(got, off)
				if string(doc) != one {
					t.Errorf("document at %d = %q", off, doc)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.offsets) {
				t.Fatalf("offsets = %v, want %v", got, tt.offsets)
			}
			for i := range got {
				if got[i] != tt.offsets[i] {
					t.Errorf("offsets = %v, want %v", got, tt.offsets)
				}
			}
		})
	}
}

func TestDocumentsErrors(t *testing.T) {
	one := `{"user_id":"1","user_qos":[]}`
	tests := []struct {
		name   string
		in     string
		docs   int   // documents delivered before the error
		offset int64 // -1: not a syntax error
	}{
		{"empty", "", 0, -1},
		{"whitespace", " \n ", 0, -1},
		{"truncated", one + "\n" + `{"user_id":"2","user_qos":[`, 1, 57},
		{"garbage after", one + " xyz", 1, 30},
		{"bad character", `{"user_id": nope}`, 0, 13},
		{"trailing comma", `{"user_id":"1",}`, 0, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := 0
			err := Documents(strings.NewReader(tt.in), func(int64, []byte) error { docs++; return nil })
			if err == nil {
				t.Fatal("no error")
			}
			if docs != tt.docs {
				t.Errorf("delivered %d documents before the error, want %d", docs, tt.docs)
			}
			var se *SyntaxError
			if tt.offset < 0 {
				if !errors.Is(err, ErrEmpty) {
					t.Errorf("error = %v, want ErrEmpty", err)
				}
				return
			}
			if !errors.As(err, &se) {
				t.Fatalf("error = %v (%T), want a SyntaxError", err, err)
			}
			if se.Offset != tt.offset {
				t.Errorf("offset = %d, want %d (%v)", se.Offset, tt.offset, err)
			}
		})
	}
}

// A gzip file cut inside its 10-byte header is cut off like any other,
// not an "unexpected EOF".
func TestDocumentsGzipCutInItsHeader(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte(`{"user_id":"1","user_qos":[]}`))
	zw.Close()
	for keep := 2; keep < 10; keep++ {
		err := Documents(bytes.NewReader(zipped.Bytes()[:keep]), func(int64, []byte) error { return nil })
		var ge *GzipError
		if !errors.As(err, &ge) || !strings.Contains(err.Error(), "the gzip stream is cut off after 0 bytes decompressed") {
			t.Errorf("cut after %d bytes: %v", keep, err)
		}
	}
	// A header that is whole but wrong is damage, not a cut.
	bad := append([]byte{0x1f, 0x8b, 99}, zipped.Bytes()[3:]...)
	err := Documents(bytes.NewReader(bad), func(int64, []byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "the gzip stream is damaged after 0 bytes decompressed") {
		t.Errorf("bad header: %v", err)
	}
}

// An error quotes a few hundred bytes at most, however deep the JSON it
// is about.
func TestDocumentsErrorsAreShort(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("[", 20000),
		strings.Repeat(`{"a":`, 5000) + "x",
		strings.Repeat(`{"`+strings.Repeat("k", 3000)+`":`, 20) + "x",
		"[" + strings.Repeat("[0,", 3000) + "}",
	} {
		err := Documents(strings.NewReader(in), func(int64, []byte) error { return nil })
		if err == nil || len(err.Error()) > 400 {
			t.Errorf("%d bytes of input: an error of %d bytes: %.300s...", len(in), len(fmt.Sprint(err)), err)
		}
	}
}
