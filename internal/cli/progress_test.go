package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect"
	"github.com/zoomqos/zoomqos/collect/zoom"
)

func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := &progressLine{w: &b}
	p.update(collect.Progress{MeetingsDone: 1, MeetingsTotal: 3, Pages: 7, Added: 700, Present: 20,
		Client: zoom.ClientStats{Requests: 9, Retries: 2, RateWait: 1500 * time.Millisecond}})
	want := "\r\x1b[Kmeetings 1/3 · pages 7 · samples 700 new, 20 present · requests 9 (2 retries) · rate waits 1.5s"
	if b.String() != want {
		t.Errorf("line = %q\nwant %q", b.String(), want)
	}
	// Redrawn at most five times a second.
	p.update(collect.Progress{MeetingsDone: 2})
	if strings.Count(b.String(), "\r") != 1 {
		t.Errorf("redrawn too soon: %q", b.String())
	}
	p.done()
	if !strings.HasSuffix(b.String(), "\r\x1b[K") {
		t.Errorf("done did not clear the line: %q", b.String())
	}
	if isTerminal(&b) {
		t.Error("a buffer is not a terminal")
	}
	if f, err := os.Open(os.DevNull); err == nil {
		if isTerminal(f) {
			t.Error("/dev/null is not a terminal")
		}
		f.Close()
	}
}
