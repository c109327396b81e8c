package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
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

Examples:
   zoomqos fakezoom --addr 127.0.0.1:8080
   zoomqos fakezoom --participants 300 --qps 10 --faults 429=20x3,5xx=15,truncate=25,expire=50
   zoomqos fakezoom --faults hang=40,nonqos=30,repeat-token`,
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
			srv := fakezoom.NewServer(fakezoom.Options{
				Seed: c.Uint64("seed"), PastMeetings: c.Int("meetings"), LiveMeetings: c.Int("live"),
				Webinars: c.Int("webinars"), Participants: c.Int("participants"), PastOneMeetings: c.Int("past-one"), ListPerMinute: c.Int("list-per-minute"),
				QPS: c.Int("qps"), DailyLimit: c.Int("daily-limit"), RetryAfter: c.String("retry-after"), Faults: faults,
			})
			return serveFake(c.Context, c.App.Writer, c.String("addr"), srv)
		},
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
