package cli

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/store"
)

const testWebhookSecret = "whsec-Zq81mPx4LrT7vN2k"

// freeAddr returns a loopback address no one listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startListener runs `zoomqos listen` in a process of its own and waits
// until it serves.
func startListener(t *testing.T, db, addr string, extra ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	cmd := zoomqosProcess(t, []string{"ZOOM_WEBHOOK_SECRET_TOKEN=" + testWebhookSecret},
		append([]string{"--db", db, "listen", "--addr", addr, "--alert-watch=false"}, extra...)...)
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(errPipe)
		once := false
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if !once && strings.Contains(sc.Text(), "listening for Zoom's events") {
				once = true
				close(ready)
			}
		}
		if !once {
			close(ready)
		}
	}()
	<-ready
	return cmd, &log
}

// Killed with SIGKILL at random moments while the fake sends (more than
// twenty times), the listener keeps every event it answered 2xx, and no
// event twice: the raw copies are distinct, and the samples are what the
// raw copies give (check's rebuild comparison).
func TestListenSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the listener 22 times")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	srv := fakezoom.NewServer(fakezoom.Options{Seed: 15, PastMeetings: 3, LiveMeetings: 0, Webinars: 1, Participants: 12, Minutes: 30,
		Epoch: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)})
	events := srv.Events(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	if len(events) < 1000 {
		t.Fatalf("only %d events", len(events))
	}
	acked := map[string]bool{}
	r := rand.New(rand.NewPCG(15, 15))
	t.Logf("%d events", len(events))
	const kills = 22
	next, cut := 0, 0 // cut: kills that came while events were answered
	for k := 0; k < kills || next < len(events); k++ {
		addr := freeAddr(t)
		cmd, log := startListener(t, db, addr)
		sender, err := fakezoom.NewSender(fakezoom.SenderOptions{URL: "http://" + addr + "/", Secret: testWebhookSecret,
			Concurrency: 8, Retries: []time.Duration{}, Timeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		// Each round resends some of what the last round may have
		// lost, and goes on.
		from := max(0, next-20)
		to := min(len(events), from+150)
		go func() { done <- sender.Send(ctx, events[from:to]) }()
		if k < kills {
			// Kill once a random number of events were answered: a
			// moment in the traffic, not on the clock.
			target := 1 + r.IntN(to-from-20)
			for sender.Stats().Acked < target && len(done) == 0 {
				time.Sleep(200 * time.Microsecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
		} else {
			<-done
			done <- nil
			cmd.Process.Signal(syscall.SIGTERM)
		}
		cmd.Wait()
		<-done
		cancel()
		n := 0
		for _, d := range sender.Acked() {
			acked[d.ID] = true
			n++
		}
		next = from + n
		if k < kills && n > 0 && n < to-from {
			cut++
		}
		if k >= kills && next < to {
			t.Fatalf("round %d with no kill acknowledged %d of %d events; listener said:\n%s", k, n, to-from, log.String())
		}
		if strings.Contains(log.String(), testWebhookSecret) {
			t.Fatal("the listener printed the secret")
		}
	}
	// Everything answered is stored, once.
	sdb, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	ms, err := sdb.Meetings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, m := range ms {
		err := sdb.RawDocs(context.Background(), m.ID, func(d store.RawDoc) error {
			sum := sha256.Sum256(d.Data)
			id := hex.EncodeToString(sum[:])
			if stored[id] {
				t.Errorf("event %s stored twice", id[:12])
			}
			stored[id] = true
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	missing := 0
	for id := range acked {
		if !stored[id] {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged events are not in the database", missing, len(acked))
	}
	t.Logf("%d kills, %d of them between two answers; %d events acknowledged, %d stored", kills, cut, len(acked), len(stored))
	if cut < kills/2 {
		t.Errorf("only %d of %d kills came while events were being answered", cut, kills)
	}
	sdb.Close()
	if r := zoomqos(t, "", "--db", db, "check"); r.code != 0 {
		t.Fatalf("check: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
