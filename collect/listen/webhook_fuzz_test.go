package listen

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store/storetest"
)

// Whatever a correctly signed request holds, the endpoint answers it
// without a panic and without a server error (503, busy, aside), and
// what it stored leaves the database as `zoomqos check` wants it.
func FuzzWebhook(f *testing.F) {
	for _, name := range []string{"event-qos.json", "event-summary.json", "event-alert.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "events", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(qosEvent("m1==", "16778240", 16, "27kbps"))
	f.Add([]byte(`{"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680}`))
	f.Add([]byte(`{"event":"meeting.participant_data","event_ts":1764584100000,"payload":{"object":{"uuid":"/a//b","participant":{"user_id":"1","data_center":"<b>","device":"\u202e"}}}}`))
	f.Add([]byte(`{"event":"webinar.participant_qos_summary","event_ts":-1,"payload":{"object":{"id":"1","participant":{"user_id":"","qos":[{"type":"video_input","details":{"avg_bitrate":"-1kbps"}}]}}}}`))
	f.Add([]byte(`{"event":"meeting.alert","payload":{"object":{"uuid":"x","issues":[null,1,""]}}}`))
	f.Add([]byte(`{"event":"phone.call_qos"}`))
	f.Add([]byte(`null`))
	db := storetest.MustOpen(f)
	com := NewCommitter(db, nil, 16)
	f.Cleanup(com.Close)
	f.Fuzz(func(t *testing.T, body []byte) {
		h := &Webhook{Secret: testSecret, Committer: com, MaxBody: 64 << 10, OnAlert: func(*zoom.Event) {}}
		for i := range 2 { // the same event twice, as Zoom's retry sends it
			ts := strconv.FormatInt(time.Now().Unix()+int64(i), 10)
			req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			req.Header.Set(zoom.TimestampHeader, ts)
			req.Header.Set(zoom.SignatureHeader, zoom.Sign(testSecret, ts, body))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			switch w.Code {
			case http.StatusOK, http.StatusNoContent, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusServiceUnavailable:
			default:
				t.Fatalf("status %d for a signed request (try %d) of %q", w.Code, i+1, body)
			}
		}
		r, err := db.Check(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK() {
			t.Fatalf("check after %q: %v", body, r.Problems)
		}
	})
}
