package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
)

func fakezoomCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:  "fakezoom",
		Usage: "run a fake Zoom API to try zoomqos without an account",
		Description: `Serves a generated Zoom account on a local port: the Server-to-Server OAuth
token endpoint and the /metrics endpoints zoomqos uses, with Zoom's
pagination, error codes, rate-limit headers and quirks (UUIDs that must be
double-encoded). Past meetings and webinars of the last four weeks, and live
meetings that run for real minutes, their samples growing. The data depends
only on --seed and the start time. --faults switches on misbehaviour, each
every Nth request (a fault without =N, such as repeat-token, on every
list): ` + fakezoom.FaultNames + `.

Its credentials: ZOOM_ACCOUNT_ID=fake-account ZOOM_CLIENT_ID=fake-client
ZOOM_CLIENT_SECRET=fake-secret (fake values, printed on start).

Events (item 4 of issue 15: push instead of poll). The same meetings also
give Zoom's QoS Subscription and alert events: meeting.participant_qos (one a
minute per participant, the very sample the QoS API gives for that minute),
meeting.participant_qos_summary (when a participant leaves),
meeting.participant_data (when one joins) and meeting.alert (when a bad
episode begins), webinar.* for webinars.

--send-to URL posts them to a webhook endpoint as Zoom does: the
endpoint.url_validation handshake first (a wrong answer stops the command),
then every event signed with x-zm-signature, retried after --send-retries
when not answered 2xx within 3 s, then dropped. The secret token comes from
the environment variable ZOOM_WEBHOOK_SECRET_TOKEN, never from a flag; it is
never printed. By default the live meetings' events are sent as they happen;
--replay-from DATE first sends the events of the past meetings from DATE to
--replay-to (default now), then goes on live. Status every 5 s while events
go out, and a summary at the end, also after Ctrl-C (events acknowledged,
dropped, p50/p99 answer time), go to standard error.

The WebSocket endpoint, as Zoom's wss://ws.zoom.us/ws, is always on:
ws://ADDR/ws?subscriptionId=ID&access_token=TOKEN, with a token from the
fake's OAuth endpoint (--subscription, when set, is the only id accepted).
It sends {"module":"message","content":"<event JSON>"}, answers
{"module":"heartbeat"} and drops a client silent for --heartbeat-timeout.
--replay-from sends the past range to the first clients too; events produced
while no client is connected are lost, as with Zoom. The ws-close=N fault
closes each connection after N messages.

Examples:
   zoomqos fakezoom --addr 127.0.0.1:8080
   zoomqos fakezoom --participants 300 --qps 10 --faults 429=20x3,5xx=15,truncate=25,expire=50
   zoomqos fakezoom --faults hang=40,nonqos=30,repeat-token
   ZOOM_WEBHOOK_SECRET_TOKEN=... zoomqos fakezoom --send-to http://127.0.0.1:8090/zoom/events
   ZOOM_WEBHOOK_SECRET_TOKEN=... zoomqos fakezoom --send-to http://127.0.0.1:8090/zoom/events --replay-from 2026-11-01 --send-rate 2000 --duplicates 50
   zoomqos fakezoom --subscription my-sub --faults ws-close=100`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "listen on this `host:port`"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "what to generate"},
			&cli.IntFlag{Name: "meetings", Value: 12, Usage: "past meetings"},
			&cli.IntFlag{Name: "live", Value: 2, Usage: "live meetings"},
			&cli.IntFlag{Name: "webinars", Value: 2, Usage: "past webinars"},
			&cli.IntFlag{Name: "participants", Value: 25, Usage: "typical participants a meeting"},
			&cli.IntFlag{Name: "past-one", Usage: "past meetings of one participant (listed only by type=pastOne)"},
			&cli.IntFlag{Name: "qps", Usage: "Heavy requests a second before 429 (0: no limit); the meeting lists have --list-per-minute"},
			&cli.IntFlag{Name: "list-per-minute", Usage: "Resource-intensive requests (the meeting and webinar lists) a minute before 429 (0: no limit; Zoom allows 10 on Pro)"},
			&cli.IntFlag{Name: "daily-limit", Usage: "requests a day before the daily 429 (0: no limit)"},
			&cli.StringFlag{Name: "retry-after", Value: "iso", Usage: "Retry-After on per-second 429s: iso, seconds or none"},
			&cli.StringFlag{Name: "faults", Usage: "misbehaviour, such as `429=20x3,5xx=15,hang=40` (every Nth request; see above); scope=qos|participants|details|list refuses that endpoint for a missing scope"},
			&cli.StringFlag{Name: "send-to", Usage: "post the events to this webhook `URL` (secret token from ZOOM_WEBHOOK_SECRET_TOKEN)"},
			&cli.Float64Flag{Name: "send-rate", Usage: "events a second to post (0: as fast as --send-concurrency allows)"},
			&cli.IntFlag{Name: "send-concurrency", Value: 8, Usage: "requests in flight at most"},
			&cli.StringFlag{Name: "send-retries", Value: "1s,2s,4s", Usage: "delays before the retries of an event not answered 2xx within 3 s, then it is dropped (Zoom's: 5m,20m,60m)"},
			&cli.IntFlag{Name: "duplicates", Usage: "post every `N`th event twice, as Zoom's retries do (0: never)"},
			&cli.StringFlag{Name: "replay-from", Usage: "first send the past meetings' events from `DATE` (yyyy-mm-dd or RFC 3339), then go on live"},
			&cli.StringFlag{Name: "replay-to", Usage: "end of the replayed range (`DATE`; default now)"},
			&cli.StringFlag{Name: "subscription", Usage: "the only subscriptionId the WebSocket endpoint accepts (default: any)"},
			&cli.DurationFlag{Name: "heartbeat-timeout", Value: 90 * time.Second, Usage: "drop a WebSocket client that sends no heartbeat for this long"},
		},
		Action: func(c *cli.Context) error {
			faults, err := fakezoom.ParseFaults(c.String("faults"))
			if err != nil {
				return usageError{fmt.Errorf("--faults: %w", err)}
			}
			switch c.String("retry-after") {
			case "iso", "seconds", "none":
			default:
				return usageError{fmt.Errorf("--retry-after %q: use iso, seconds or none", c.String("retry-after"))}
			}
			replayFrom, replayTo, err := replayRange(c.String("replay-from"), c.String("replay-to"), time.Now())
			if err != nil {
				return err
			}
			srv := fakezoom.NewServer(fakezoom.Options{
				Seed: c.Uint64("seed"), PastMeetings: c.Int("meetings"), LiveMeetings: c.Int("live"),
				Webinars: c.Int("webinars"), Participants: c.Int("participants"), PastOneMeetings: c.Int("past-one"), ListPerMinute: c.Int("list-per-minute"),
				QPS: c.Int("qps"), DailyLimit: c.Int("daily-limit"), RetryAfter: c.String("retry-after"), Faults: faults,
				Subscription: c.String("subscription"), HeartbeatTimeout: c.Duration("heartbeat-timeout"),
				WSReplayFrom: replayFrom, WSReplayTo: replayTo,
			})
			ctx, cancel := context.WithCancelCause(c.Context)
			defer cancel(nil)
			sent := make(chan struct{})
			if url := c.String("send-to"); url != "" {
				snd, err := a.fakeSender(c, url)
				if err != nil {
					return err
				}
				go func() {
					defer close(sent)
					if err := sendEvents(ctx, a.log, snd, srv, replayFrom, replayTo, senderStatusEvery); err != nil {
						cancel(err)
					}
				}()
			} else {
				close(sent)
			}
			err = serveFake(ctx, c.App.Writer, c.String("addr"), srv)
			// The sender stops with the server (Ctrl-C, or a port taken):
			// its deliveries under way end with ctx, then it writes its
			// summary, which must come before the command returns.
			cancel(nil)
			<-sent
			if cause := context.Cause(ctx); err == nil && cause != nil && !errors.Is(cause, context.Canceled) {
				return cause
			}
			return err
		},
	}
}

// fakeSender makes the webhook sender of --send-to from the flags and the
// secret token in ZOOM_WEBHOOK_SECRET_TOKEN.
func (a *app) fakeSender(c *cli.Context, url string) (*fakezoom.Sender, error) {
	secret, ok := os.LookupEnv("ZOOM_WEBHOOK_SECRET_TOKEN")
	if !ok || secret == "" {
		return nil, usageError{errors.New("--send-to needs the app's secret token in the environment variable ZOOM_WEBHOOK_SECRET_TOKEN (the same value the receiver uses; never a flag)")}
	}
	a.secrets.Add(secret)
	var retries []time.Duration
	for _, f := range strings.Split(c.String("send-retries"), ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		d, err := time.ParseDuration(f)
		if err != nil || d <= 0 {
			return nil, usageError{fmt.Errorf("--send-retries %q: a list of durations such as 1s,2s,4s", c.String("send-retries"))}
		}
		retries = append(retries, d)
	}
	if retries == nil {
		retries = []time.Duration{}
	}
	if c.Float64("send-rate") < 0 || c.Int("send-concurrency") <= 0 || c.Int("duplicates") < 0 {
		return nil, usageError{errors.New("--send-rate and --duplicates may not be negative, --send-concurrency must be positive")}
	}
	return fakezoom.NewSender(fakezoom.SenderOptions{URL: url, Secret: secret, Rate: c.Float64("send-rate"),
		Concurrency: c.Int("send-concurrency"), Retries: retries, Duplicates: c.Int("duplicates"), Logger: a.log})
}

// replayRange reads --replay-from and --replay-to: dates (midnight UTC) or
// RFC 3339 times; the end defaults to now. Both zero without --replay-from.
func replayRange(fromText, toText string, now time.Time) (from, to time.Time, err error) {
	parse := func(flag, s string) (time.Time, error) {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.UTC(), nil
		}
		return parseDate(flag, s)
	}
	if fromText == "" {
		if toText != "" {
			return from, to, usageError{errors.New("--replay-to needs --replay-from")}
		}
		return from, to, nil
	}
	if from, err = parse("--replay-from", fromText); err != nil {
		return from, to, err
	}
	to = now.UTC()
	if toText != "" {
		if to, err = parse("--replay-to", toText); err != nil {
			return from, to, err
		}
	}
	if !from.Before(to) {
		return from, to, usageError{fmt.Errorf("--replay-from %s is not before --replay-to", fromText)}
	}
	return from, to, nil
}

// senderStatusEvery is how often, at most, the webhook sender logs how far
// it got.
const senderStatusEvery = 5 * time.Second

// sendEvents posts the replay range's events, if any, then the live ones
// until ctx ends, logging how far it got every so often (while events
// go out) and, at the end, what the endpoint acknowledged.
func sendEvents(ctx context.Context, log *slog.Logger, snd *fakezoom.Sender, srv *fakezoom.Server, from, to time.Time, every time.Duration) error {
	sctx, stopStatus := context.WithCancel(ctx)
	var status sync.WaitGroup
	status.Go(func() { senderStatus(sctx, log, snd, every) })
	defer func() {
		stopStatus()
		status.Wait()
		st := snd.Stats()
		log.Info("webhook sender done", "events", st.Deliveries, "acked", st.Acked, "dropped", st.Dropped,
			"pending", st.Pending, "tries", st.Attempts, "unanswered", st.Unanswered, "p50", st.P50, "p99", st.P99)
	}()
	live := time.Now().UTC()
	if !from.IsZero() {
		evs := srv.Events(from, to)
		log.Info("replaying events", "from", from, "to", to, "events", len(evs))
		if err := snd.Send(ctx, evs); err != nil && ctx.Err() == nil {
			return err
		}
		if to.After(live) {
			live = to
		}
	}
	if err := snd.Live(ctx, srv, live); err != nil {
		return fmt.Errorf("--send-to: %w", err)
	}
	return nil
}

// senderStatus logs the sender's counts every interval until ctx ends,
// skipping the intervals in which nothing was sent or answered.
func senderStatus(ctx context.Context, log *slog.Logger, snd *fakezoom.Sender, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var last fakezoom.SendStats
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st := snd.Stats()
		if st.Deliveries == last.Deliveries && st.Attempts == last.Attempts {
			continue
		}
		last = st
		log.Info("webhook sender", "events", st.Deliveries, "acked", st.Acked, "dropped", st.Dropped,
			"pending", st.Pending, "p50", st.P50, "p99", st.P99)
	}
}

// serveFake listens on addr and serves until ctx ends.
func serveFake(ctx context.Context, w interface{ Write([]byte) (int, error) }, addr string, srv *fakezoom.Server) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("fakezoom: %w", err)
	}
	base := "http://" + ln.Addr().String()
	o := srv.Options()
	fmt.Fprintf(w, "fake Zoom API on %s (seed %d); try it with:\n\n", base, o.Seed)
	fmt.Fprintf(w, "  export ZOOM_API_URL=%s/v2 ZOOM_TOKEN_URL=%s/oauth/token\n", base, base)
	fmt.Fprintf(w, "  export ZOOM_ACCOUNT_ID=%s ZOOM_CLIENT_ID=%s ZOOM_CLIENT_SECRET=%s\n", o.AccountID, o.ClientID, o.ClientSecret)
	fmt.Fprintf(w, "  zoomqos collect --past --from %s\n\n", o.Epoch.AddDate(0, 0, -28).Format(time.DateOnly))
	sub := o.Subscription
	if sub == "" {
		sub = "ID"
	}
	fmt.Fprintf(w, "events over WebSocket: ws://%s/ws?subscriptionId=%s&access_token=TOKEN (a token from %s/oauth/token)\n\n", ln.Addr(), sub, base)
	fmt.Fprintln(w, "meetings:")
	for _, m := range srv.Meetings() {
		state := "past"
		if now := time.Now(); !now.Before(m.Start) && now.Before(m.End) {
			state = "live"
		} else if m.Participants == 1 {
			state = "pastOne"
		}
		kind := "meeting"
		if m.Webinar {
			kind = "webinar"
		}
		fmt.Fprintf(w, "  %-7s %-7s %s  %d  %-26s %s, %d participants\n", kind, state, m.Start.Format("2006-01-02 15:04"),
			m.ID, m.UUID, m.Topic, m.Participants)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(shut)
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("fakezoom: %w", err)
	}
	return nil
}
