package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/store"
)

// The test binary doubles as zoomqos, so that tests can run it as another
// process: ZOOMQOS_TEST_AS=cli runs the command line given after the
// test flags; ZOOMQOS_TEST_AS=holder opens the database named by the
// arguments for writing, holds it, says "held" and lets go when its
// standard input closes.
func TestMain(m *testing.M) {
	switch os.Getenv("ZOOMQOS_TEST_AS") {
	case "cli":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Run(ctx, "", append([]string{"zoomqos"}, os.Args[1:]...), os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	case "holder":
		db, err := store.Open(context.Background(), os.Args[1], store.Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		release, err := db.Hold(context.Background())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println("held")
		io.Copy(io.Discard, os.Stdin)
		release()
		db.Close()
		os.Exit(0)
	}
	// The golden files' times are in UTC, whatever the machine's zone.
	os.Setenv("ZOOMQOS_TZ", "UTC")
	// The tests name their inputs testdata/... and the golden files hold
	// those names: run them from the module's root, where testdata is.
	if err := os.Chdir("../.."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// zoomqosProcess starts the test binary as zoomqos with args, in a process
// of its own.
func zoomqosProcess(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "ZOOMQOS_TEST_AS=cli"), env...)
	return cmd
}

// holdDB holds the database at path for writing in another process until
// the test ends; it returns that process's pid.
func holdDB(t *testing.T, path string) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], path)
	cmd.Env = append(os.Environ(), "ZOOMQOS_TEST_AS=holder")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "held\n" {
		t.Fatalf("the holder says %q", line)
	}
	return cmd.Process.Pid
}

// A reader that cannot get the file says which process holds it and what
// to do, after the lock timeout.
func TestLockedDatabase(t *testing.T) {
	path := tempDB(t)
	if r := zoomqos(t, "", "--db", path, "import", "--meeting", "m", "testdata/participant-qos.json"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	pid := holdDB(t, path)
	r := zoomqos(t, "", "--db", path, "--lock-timeout", "300ms", "meetings")
	oneLine(t, r, 1, path+" is in use by another process: it could not be had for 300ms; process "+strconv.Itoa(pid)+" ("+filepath.Base(os.Args[0])+" ",
		"holds it for writing now; try again when that is done, or stop it")
	r = zoomqos(t, "", "--db", path, "--lock-timeout", "300ms", "import", "--meeting", "m", "testdata/participant-qos.json")
	oneLine(t, r, 1, path+" is in use by another process: it could not be had for 300ms; process "+strconv.Itoa(pid))
	t.Setenv("ZOOMQOS_LOCK_TIMEOUT", "soon")
	oneLine(t, zoomqos(t, "", "--db", path, "meetings"), 2, `lock timeout "soon": use a duration such as 30s`)
}

// A collection that runs for as long as its meeting does (collect --live
// --watch, in a process of its own) holds the database only while it
// writes: meanwhile report, export and meetings succeed on the same file,
// again and again, and what it stored passes check.
func TestReadersWhileCollecting(t *testing.T) {
	start := time.Now()
	epoch := start.UTC().Truncate(time.Minute)
	// A live meeting of 40 people, a fake minute every second of real
	// time, polled every second.
	fz := fakezoom.Start(fakezoom.Options{Seed: 3, Epoch: epoch,
		Clock: func() time.Time { return epoch.Add(time.Since(start) * 60) },
		Meetings: []fakezoom.MeetingSpec{{UUID: "live-all-hands", Topic: "All-hands", Start: epoch.Add(-2 * time.Minute),
			Duration: 600 * time.Minute, Participants: 40}}})
	defer fz.Close()
	o := fz.Options()
	dir := t.TempDir()
	db := filepath.Join(dir, "qos.db")
	collector := zoomqosProcess(t, []string{"ZOOM_API_URL=" + fz.APIURL, "ZOOM_TOKEN_URL=" + fz.TokenURL,
		"ZOOM_ACCOUNT_ID=" + o.AccountID, "ZOOM_CLIENT_ID=" + o.ClientID, "ZOOM_CLIENT_SECRET=" + o.ClientSecret},
		"--db", db, "collect", "--live", "--watch", "--interval", "1s", "--rate", "100", "--quiet")
	var collectorErr strings.Builder
	collector.Stderr = &collectorErr
	if err := collector.Start(); err != nil {
		t.Fatal(err)
	}
	defer collector.Process.Kill()
	exited := make(chan error, 1)
	go func() { exited <- collector.Wait() }()

	// Wait for the first page, however long a loaded machine takes.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		r := zoomqos(t, "", "--db", db, "meetings", "--json")
		if r.code == 0 && strings.Contains(r.stdout, "live-all-hands") {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("the collector ended (%v): %s", err, collectorErr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no meeting collected in 2 minutes: %q %q; the collector says %q", r.stdout, r.stderr, collectorErr.String())
		}
	}
	// Read until the collector has written at least three times between
	// rounds, so that the readers and its writes interleave.
	samples, grew := 0, 0
	deadline = time.Now().Add(3 * time.Minute)
	for i := 0; grew < 3; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("the samples grew %d times in 3 minutes of reading; the collector says %q", grew, collectorErr.String())
		}
		for _, args := range [][]string{
			{"report", "--meeting", "live-all-hands", "-o", filepath.Join(dir, "r.html")},
			{"export", "--meeting", "live-all-hands", "-o", filepath.Join(dir, "e.parquet")},
			{"meetings", "--json"},
		} {
			r := zoomqos(t, "", append([]string{"--db", db}, args...)...)
			if r.code != 0 {
				t.Fatalf("round %d: zoomqos %s: %d %s", i, args[0], r.code, r.stderr)
			}
		}
		m, err := meetingSamples(db)
		if err != nil {
			t.Fatal(err)
		}
		if m < samples {
			t.Fatalf("round %d: %d samples, fewer than the %d before", i, m, samples)
		}
		if m > samples && samples > 0 {
			grew++
		}
		samples = m
	}
	select {
	case err := <-exited:
		t.Fatalf("the collector stopped early (%v): %s", err, collectorErr.String())
	default:
	}
	collector.Process.Signal(os.Interrupt)
	err := <-exited
	var ee *exec.ExitError
	if err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 130) {
		t.Fatalf("the collector ended with %v: %s", err, collectorErr.String())
	}
	if r := zoomqos(t, "", "--db", db, "check"); r.code != 0 {
		t.Errorf("check after the collection: %s %s", r.stdout, r.stderr)
	}
	if samples == 0 {
		t.Error("the collector stored no samples while the readers ran")
	}
}

// meetingSamples counts the samples stored, reading as any command does.
func meetingSamples(path string) (int, error) {
	db, err := store.Open(context.Background(), path, store.Options{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	list, err := db.Meetings(context.Background())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range list {
		n += m.Samples
	}
	return n, nil
}
