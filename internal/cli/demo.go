package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/collect"
	"github.com/zoomqos/zoomqos/collect/listen"
	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/report/html"
	"github.com/zoomqos/zoomqos/store"
)

// The demo meeting: an hour-long all-hands that ended a few minutes ago,
// with the fake's usual cast (bad Wi-Fi, an overloaded laptop, a rejoin)
// and a meeting-wide incident.
const (
	demoMeetingID = "85000000001"
	demoUUID      = "ZqDemo+AllHands/2026uQ==" // the instance it is stored under
	demoTopic     = "All-hands (demo)"
)

func demoCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "collect a meeting from a fake Zoom API and write its report: zoomqos end to end, no account needed",
		Description: `Starts the fake Zoom API (see zoomqos fakezoom) inside this process, collects
a generated meeting through the real collector and Server-to-Server OAuth
into a temporary database (or --db, which is kept), analyses it and writes its
report. It also receives the meeting's pushed events (QoS Subscription and
alerts, see zoomqos listen) from the fake by signed webhook into the same
database: Zoom's alerts and per-session summaries show in the report, and the
samples the events carry join those the API gave. No Zoom account and no
network are needed.

Examples:
   zoomqos demo
   zoomqos demo -o demo.html --participants 300 --minutes 480
   zoomqos --db demo.db demo && zoomqos --db demo.db analyze --meeting 85000000001`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "zoomqos-demo.html", Usage: "write the report to `FILE`"},
			&cli.IntFlag{Name: "participants", Value: 40, Usage: "people in the meeting"},
			&cli.IntFlag{Name: "minutes", Value: 60, Usage: "how long the meeting ran"},
			&cli.Uint64Flag{Name: "seed", Value: 7, Usage: "what to generate"},
			&cli.BoolFlag{Name: "redact", Usage: "replace personal data with stable pseudonyms"},
			&cli.IntFlag{Name: "lines", Value: html.DefaultLines, Usage: "sessions each chart draws as their own line (-1: all)"},
		},
		Action: a.runDemo,
	}
}

func (a *app) runDemo(c *cli.Context) error {
	people, minutes := c.Int("participants"), c.Int("minutes")
	if people < 1 || minutes < 2 {
		return usageError{fmt.Errorf("a demo meeting needs at least 1 participant and 2 minutes")}
	}
	lines, err := a.linesFlag(c)
	if err != nil {
		return err
	}
	loc, err := a.location(c)
	if err != nil {
		return err
	}
	// The demo's fake meeting goes into a database of its own: into the
	// user's real one (ZOOMQOS_DB, the config file) only when --db names
	// it on this command line.
	keep := onCommandLine(c, "db")
	dbPath := c.String("db")
	if !keep {
		dir, err := os.MkdirTemp("", "zoomqos-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dbPath = filepath.Join(dir, "demo.db")
	}

	now := time.Now().UTC().Truncate(time.Minute)
	fz := fakezoom.Start(fakezoom.Options{Seed: c.Uint64("seed"), Epoch: now, Meetings: []fakezoom.MeetingSpec{{
		UUID: demoUUID, ID: 85000000001, Topic: demoTopic, Participants: people,
		Start: now.Add(-time.Duration(minutes+5) * time.Minute), Duration: time.Duration(minutes) * time.Minute,
	}}})
	defer fz.Close()
	o := fz.Options()
	client, err := newZoomClient(zoom.ClientConfig{
		Credentials: zoom.Credentials{AccountID: o.AccountID, ClientID: o.ClientID, ClientSecret: o.ClientSecret},
		APIURL:      fz.APIURL, TokenURL: fz.TokenURL, Rate: 100, Log: a.log, UserAgent: "zoomqos/" + c.App.Version,
		Secrets: a.secrets,
	})
	if err != nil {
		return err
	}
	db, err := store.Open(c.Context, dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	col := &collect.Collector{Client: client, DB: db, Log: a.log}
	start := time.Now()
	collected, err := col.Run(c.Context, collect.Plan{Mode: collect.ModeMeeting, Target: collect.Target{ID: demoMeetingID, Topic: demoTopic}, Type: store.Past, Refresh: true})
	if err != nil {
		return fmt.Errorf("collecting the demo meeting from the fake Zoom API: %w", err)
	}
	status := c.App.ErrWriter
	fmt.Fprintf(status, "Collected meeting %s from a fake Zoom API at %s through the real collector: %s in %s\n",
		demoMeetingID, fz.URL, plural(collected.Added, "sample"), time.Since(start).Round(time.Millisecond))
	if err := a.demoPush(c.Context, fz, db, status); err != nil {
		return fmt.Errorf("the demo meeting's events by webhook: %w", err)
	}
	if keep {
		fmt.Fprintf(status, "Database: %s\n", dbPath)
	}
	mode, err := a.fileMode(c)
	if err != nil {
		return err
	}
	job := reportJob{meeting: demoUUID, version: c.App.Version, fileName: demoMeetingID, thresholds: analyze.DefaultThresholds(), redact: c.Bool("redact"),
		html: html.Options{Lines: lines, Location: loc}, output: c.String("output"), mode: mode, db: dbPath}
	return job.write(c.Context, db, c.App.Writer, status)
}

// demoPush has the fake send the demo meeting's events (per-minute QoS,
// summaries, participant data, alerts) as signed webhooks to a listener on
// a loopback port, as zoomqos listen receives them, into db.
func (a *app) demoPush(ctx context.Context, fz *fakezoom.Running, db *store.DB, status io.Writer) error {
	var key [24]byte
	rand.Read(key[:])
	secretToken := hex.EncodeToString(key[:])
	a.secrets.Add(secretToken)
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	committer := listen.NewCommitter(db, a.log, 4096)
	defer committer.Close()
	// The listener's and the sender's own lines (the URL validation)
	// would only be noise here: every event must be acknowledged.
	quiet := slog.New(slog.DiscardHandler)
	hook := &listen.Webhook{Secret: []byte(secretToken), Committer: committer, Log: quiet}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- (&listen.Server{Webhook: hook, Path: "/zoom/events"}).Serve(ctx, ln) }()
	sender, err := fakezoom.NewSender(fakezoom.SenderOptions{URL: "http://" + ln.Addr().String() + "/zoom/events", Secret: secretToken, Concurrency: 8, Logger: quiet})
	if err != nil {
		return err
	}
	o := fz.Options()
	start := time.Now()
	if err := sender.Send(ctx, fz.Events(o.Epoch.AddDate(0, 0, -1), o.Epoch)); err != nil {
		return err
	}
	stop()
	<-served
	st, cs := sender.Stats(), committer.Stats()
	if st.Acked != st.Deliveries {
		return fmt.Errorf("%d of %d events were not acknowledged", st.Deliveries-st.Acked, st.Deliveries)
	}
	fmt.Fprintf(status, "Received the meeting's %s (QoS, summaries, participant data, alerts) from the fake by signed webhook, as zoomqos listen does: stored in %d writes to disk in %s\n",
		plural(st.Deliveries, "event"), cs.Commits, time.Since(start).Round(time.Millisecond))
	return nil
}
