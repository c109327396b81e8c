package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/collect/listen"
	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

func listenCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:  "listen",
		Usage: "receive Zoom's pushed QoS events and alerts (webhooks or WebSocket) into the database",
		Description: `Receives Zoom's event notifications instead of polling the API: the QoS
Subscription's per-minute participant_qos samples, participant_qos_summary
(Zoom's own summary of a session), participant_data (devices, network, data
center), and meeting.alert / webinar.alert, which any account with the
Dashboard gets. Each event is stored in the database before it is answered
(events that arrive together share one write), so a 200 means it is on disk;
an event sent twice adds nothing. Samples from events and from the API are
one model: analyze, report and export treat them alike.

Webhooks (the default): serves --path on --addr, with /healthz beside it.
Zoom needs HTTPS on a public name: give --tls-cert and --tls-key, or put a
reverse proxy in front (README, "Push instead of poll"). The app's secret
token comes from ZOOM_WEBHOOK_SECRET_TOKEN (environment or config file, never
a flag): every request's x-zm-signature is checked with it, and Zoom's URL
validation answered.

WebSocket (--websocket --subscription ID): connects to Zoom with the
Server-to-Server credentials collect uses, sends heartbeats, reconnects, and
after a disconnect collects the meetings that ran meanwhile through the QoS
API.

On an alert, the meeting is watched live through the API (--alert-watch,
on by default), within --rate, so that an account without the QoS
Subscription still gets the samples around its problems.

Examples:
   ZOOM_WEBHOOK_SECRET_TOKEN=... zoomqos listen --addr 127.0.0.1:8080
   zoomqos listen --addr :8443 --tls-cert cert.pem --tls-key key.pem
   zoomqos listen --websocket --subscription 'AbC-123'`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "serve webhooks on this `host:port`"},
			&cli.StringFlag{Name: "path", Value: "/", Usage: "the webhook's `path` (the event notification endpoint URL's path)"},
			&cli.StringFlag{Name: "tls-cert", Usage: "serve HTTPS with this certificate `file` (PEM, with its chain)"},
			&cli.StringFlag{Name: "tls-key", Usage: "the certificate's private key `file` (PEM)"},
			&cli.BoolFlag{Name: "websocket", Usage: "receive over Zoom's WebSocket instead of webhooks"},
			&cli.StringFlag{Name: "subscription", Usage: "with --websocket: the event subscription's `ID`"},
			&cli.StringFlag{Name: "ws-url", EnvVars: []string{"ZOOM_WS_URL"}, Value: "wss://ws.zoom.us/ws", Usage: "with --websocket: Zoom's WebSocket `URL`"},
			&cli.BoolFlag{Name: "alert-watch", Value: true, Usage: "on meeting.alert or webinar.alert, watch the meeting live through the API (needs the S2S credentials)"},
			&cli.DurationFlag{Name: "interval", Value: time.Minute, Usage: "time between polls of a meeting watched after an alert"},
			&cli.IntFlag{Name: "queue", Value: 4096, Usage: "events waiting for the disk at most; more are answered 503 (Zoom retries)"},
			&cli.Float64Flag{Name: "rate", Value: zoom.DefaultRate, Usage: "Heavy API requests a second at most, for alert watches and gap filling"},
			&cli.Float64Flag{Name: "list-rate", Value: zoom.DefaultListRate, Usage: "meeting-list requests a minute at most"},
			&cli.StringFlag{Name: "api-url", EnvVars: []string{"ZOOM_API_URL"}, Usage: "the Zoom API's base `URL` (default " + zoom.DefaultAPIURL + ")"},
			&cli.StringFlag{Name: "token-url", EnvVars: []string{"ZOOM_TOKEN_URL"}, Usage: "the OAuth token `URL` (default " + zoom.DefaultTokenURL + ")"},
		},
		Action: a.runListen,
	}
}

func (a *app) runListen(c *cli.Context) error {
	ws := c.Bool("websocket")
	if ws && c.String("subscription") == "" {
		return usageError{errors.New("--websocket needs --subscription ID (the event subscription's ID in your Zoom app)")}
	}
	if !ws && c.IsSet("subscription") {
		return usageError{errors.New("--subscription goes with --websocket")}
	}
	if (c.String("tls-cert") == "") != (c.String("tls-key") == "") {
		return usageError{errors.New("give both --tls-cert and --tls-key, or neither")}
	}
	if c.Int("queue") <= 0 || c.Float64("rate") <= 0 || c.Float64("list-rate") <= 0 {
		return usageError{errors.New("--queue, --rate and --list-rate must be positive")}
	}
	if c.Duration("interval") < time.Second {
		return usageError{errors.New("--interval must be at least 1s")}
	}
	if path := c.String("path"); !strings.HasPrefix(path, "/") {
		return usageError{fmt.Errorf("--path %q: a path begins with /", path)}
	}
	if ws {
		if err := checkWSURL(c.String("ws-url")); err != nil {
			return usageError{fmt.Errorf("--ws-url (or ZOOM_WS_URL) %q: %w", c.String("ws-url"), err)}
		}
	}
	secretToken, _, err := a.value(c, "ZOOM_WEBHOOK_SECRET_TOKEN")
	if err != nil {
		return err
	}
	if !ws {
		if err := checkSecretToken(secretToken); err != nil {
			return usageError{err}
		}
	}
	// What can fail at the start fails before anything is opened: the
	// certificate, the address.
	if cert := c.String("tls-cert"); cert != "" {
		if _, err := tls.LoadX509KeyPair(cert, c.String("tls-key")); err != nil {
			return fmt.Errorf("--tls-cert %s and --tls-key %s: %w", cert, c.String("tls-key"), err)
		}
	}
	var ln net.Listener
	if addr := c.String("addr"); !ws || c.IsSet("addr") {
		if ln, err = net.Listen("tcp", addr); err != nil {
			return fmt.Errorf("listen on %s: %w", addr, err)
		}
		defer ln.Close()
	}
	var client *zoom.Client
	if ws || c.Bool("alert-watch") {
		client, _, err = a.zoomClient(c)
		if err != nil && (ws || !errors.Is(err, zoom.ErrNoCredentials)) {
			return err
		}
		if err != nil {
			a.log.Warn("no Zoom API credentials: alerts are stored, but their meetings are not watched live")
			client = nil
		}
	}
	db, err := a.openStore(c, false)
	if err != nil {
		return err
	}
	defer db.Close()

	ctx, stop := context.WithCancel(c.Context)
	defer stop()
	committer := listen.NewCommitter(db, a.log, c.Int("queue"))
	var watches *listen.AlertWatches
	if client != nil && c.Bool("alert-watch") {
		watches = &listen.AlertWatches{Client: client, DB: db, Log: a.log, Interval: c.Duration("interval")}
		watches.Start(ctx)
	}
	started := time.Now()
	if ws {
		err = a.listenWebSocket(ctx, c, client, db, committer, watches, ln)
	} else {
		err = a.listenWebhooks(ctx, c, []byte(secretToken), committer, watches, ln)
	}
	stop()
	committer.Close()
	if watches != nil {
		watches.Wait()
	}
	stopped := c.Context.Err() != nil && (err == nil || errors.Is(err, context.Canceled))
	if st := committer.Stats(); stopped || st.Events > 0 {
		fmt.Fprintf(a.stderr, "listened %s: %d events stored, %d were stored before, %d writes to disk\n",
			time.Since(started).Round(time.Second), st.Stored, st.Present, st.Commits)
	}
	if stopped {
		return nil // Ctrl-C or SIGTERM: a server's normal end
	}
	return err
}

// checkSecretToken refuses a webhook secret token that cannot be Zoom's,
// without quoting it: none, spaces at its ends (a copy gone wrong), or
// shorter than 8 characters (Zoom's are 22).
func checkSecretToken(t string) error {
	const where = "ZOOM_WEBHOOK_SECRET_TOKEN (your Zoom app's Feature page, \"Secret Token\"; environment or config file)"
	switch {
	case t == "":
		return errors.New("no webhook secret token: set " + where)
	case strings.TrimSpace(t) != t:
		return errors.New("the webhook secret token begins or ends with a space: copy it whole into " + where)
	case len(t) < 8:
		return fmt.Errorf("the webhook secret token is only %d characters: copy it whole into %s", len(t), where)
	}
	return nil
}

// listenWebhooks serves the webhook endpoint until ctx ends.
func (a *app) listenWebhooks(ctx context.Context, c *cli.Context, secretToken []byte, committer *listen.Committer, watches *listen.AlertWatches, ln net.Listener) error {
	hook := &listen.Webhook{Secret: secretToken, Committer: committer, Log: a.log}
	if watches != nil {
		hook.OnAlert = watches.Alert
	}
	path := c.String("path")
	srv := &listen.Server{Webhook: hook, Path: path, TLSCert: c.String("tls-cert"), TLSKey: c.String("tls-key"), Log: a.log,
		Health: func() (any, bool) {
			h := health{Status: "ok", Store: committer.Stats(), Webhook: hook.Stats()}
			if watches != nil {
				s := watches.Stats()
				h.Alerts = &s
			}
			if h.Store.Failing {
				h.Status = "failing: the database does not take events (see the log)"
			}
			return h, !h.Store.Failing
		}}
	scheme := "http"
	if srv.TLSCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(a.stderr, "listening for Zoom's events on %s://%s%s (health: /healthz); Ctrl-C stops\n", scheme, ln.Addr(), path)
	return srv.Serve(ctx, ln)
}

// health is what /healthz shows.
type health struct {
	Status  string              `json:"status"`
	Store   listen.CommitStats  `json:"store"`
	Webhook listen.WebhookStats `json:"webhook,omitzero"`
	Alerts  *listen.AlertStats  `json:"alert_watches,omitempty"`
	Socket  *listen.WSStats     `json:"websocket,omitempty"`
}

// wsBookmark is where listen --websocket keeps the time up to which
// events were received and stored, so that a listener started again fills
// the span it was down (a crash, a restart) from the API.
const wsBookmark = "websocket"

// listenWebSocket receives over Zoom's WebSocket until ctx ends.
func (a *app) listenWebSocket(ctx context.Context, c *cli.Context, client *zoom.Client, db *store.DB, committer *listen.Committer, watches *listen.AlertWatches, ln net.Listener) error {
	gaps := &listen.GapFiller{Client: client, DB: db, Log: a.log, Webinars: true}
	ws := &listen.WebSocket{
		URL: c.String("ws-url"), Subscription: c.String("subscription"), Token: client.AccessToken, Renew: client.RenewToken, Log: a.log,
		Deliver: func(ctx context.Context, event []byte) error {
			st, err := committer.Queue(ctx, event, "websocket")
			if err == nil && watches != nil && !st.Ignored && st.Event.Kind() == "alert" {
				watches.Alert(st.Event)
			}
			return err
		},
		Gap: gaps.Fill,
	}
	resume := &listen.Resume{DB: db, Bookmark: wsBookmark, Committer: committer, Socket: ws, Gaps: gaps, Log: a.log}
	resumeCtx, endResume := context.WithCancel(ctx)
	resume.Start(resumeCtx)
	defer resume.Wait()
	defer endResume() // runs first: Run has returned, for good or for an error
	if ln != nil {    // --addr given: /healthz there
		srv := &listen.Server{Webhook: http.NotFoundHandler(), Path: "/zoom-events-not-served-with-websocket", Log: a.log, Health: func() (any, bool) {
			st := ws.Stats()
			h := health{Status: "ok", Store: committer.Stats(), Socket: &st}
			if !st.Connected {
				h.Status = "disconnected"
			}
			if watches != nil {
				s := watches.Stats()
				h.Alerts = &s
			}
			return h, st.Connected
		}}
		go srv.Serve(ctx, ln)
		fmt.Fprintf(a.stderr, "health on http://%s/healthz\n", ln.Addr())
	}
	fmt.Fprintf(a.stderr, "receiving Zoom's events over %s (subscription %s); Ctrl-C stops\n", ws.URL, ws.Subscription)
	return ws.Run(ctx)
}

// checkWSURL checks a WebSocket URL: ws or wss, with a host.
func checkWSURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return errors.New("not a ws:// or wss:// URL")
	}
	return nil
}
