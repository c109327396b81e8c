package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/zoomqos/zoomqos/collect"
)

// progressLine shows a long collection's progress on one line of a
// terminal, redrawn at most five times a second.
type progressLine struct {
	w     io.Writer
	mu    sync.Mutex
	last  time.Time
	shown bool
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (p *progressLine) update(s collect.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.shown = true
	total := "?"
	if s.MeetingsTotal > 0 {
		total = fmt.Sprint(s.MeetingsTotal)
	}
	fmt.Fprintf(p.w, "\r\x1b[Kmeetings %d/%s · pages %d · samples %d new, %d present · requests %d (%d retries) · rate waits %s",
		s.MeetingsDone, total, s.Pages, s.Added, s.Present, s.Client.Requests, s.Client.Retries,
		s.Client.RateWait.Round(100*time.Millisecond))
}

// done ends the line, so that what follows starts on a fresh one.
func (p *progressLine) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
