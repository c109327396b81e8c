package collect

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/collect/fakezoom"
	"github.com/zoomqos/zoomqos/store"
)

const testSecret = "s3cr3t-Zoom-Client-Secret-1234"

// Secrets (the client secret, every access token) never appear in logs,
// errors or reports, even at debug level and with every fault on.
func TestSecretsNeverPrinted(t *testing.T) {
	opts := pastOnly(2, 15)
	opts.ClientSecret = testSecret
	opts.Faults, _ = fakezoom.ParseFaults("429=6x1,5xx=5,truncate=7,expire=4")
	opts.RetryAfter = "none"
	var logs bytes.Buffer
	// One handler: it serialises the writes of every goroutine.
	lg := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fz, client := account(t, opts, func(c *ClientConfig) { c.Log = lg })
	c := &Collector{Client: client, DB: openDB(t), Log: lg}
	err := c.Run(context.Background(), Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch})
	var out strings.Builder
	fmt.Fprintf(&out, "%v\n%+v\n%v\n%+v\n%#v\n", err, c.Report, client, client, client)
	slog.New(slog.NewTextHandler(&out, nil)).Info("client", "client", client, "credentials", client.cfg.Credentials)

	// A refused secret and a refused token.
	_, bad := account(t, opts, func(c *ClientConfig) {
		c.Credentials.ClientSecret = "wrong-" + testSecret
		c.Log = lg
	})
	_, err = bad.Get(context.Background(), Request{Path: "/metrics/meetings", Endpoint: "GET /metrics/meetings"})
	if err == nil || !strings.Contains(err.Error(), "check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET") {
		t.Errorf("wrong secret: %v", err)
	}
	fmt.Fprintln(&out, err)
	tokenClient, _ := NewClient(ClientConfig{Credentials: Credentials{AccessToken: "refused-" + testSecret}, APIURL: fz.APIURL, Log: lg})
	err = (&Collector{Client: tokenClient, DB: openDB(t)}).Run(context.Background(),
		Plan{Mode: ModeMeeting, Target: Target{ID: fz.Meetings()[0].UUID}, Type: store.Past})
	if err == nil || !strings.Contains(err.Error(), "ZOOM_ACCESS_TOKEN") {
		t.Errorf("refused token: %v", err)
	}
	fmt.Fprintln(&out, err)

	tokens := fz.IssuedTokens()
	if len(tokens) < 2 {
		t.Fatalf("the fault run should have renewed tokens: %v", tokens)
	}
	everything := logs.String() + out.String()
	for _, s := range append(tokens, testSecret) {
		if strings.Contains(everything, s) {
			t.Errorf("secret %q printed", s[:6]+"...")
		}
	}
	if !strings.Contains(logs.String(), "level=DEBUG") {
		t.Error("debug logging was not on, the test proves little")
	}
}

// scrub takes secrets out of errors that would otherwise carry them.
func TestScrub(t *testing.T) {
	c, _ := NewClient(ClientConfig{Credentials: Credentials{AccountID: "a", ClientID: "b", ClientSecret: testSecret}})
	err := c.scrub(fmt.Errorf("proxy said: bad secret %s", testSecret))
	if strings.Contains(err.Error(), testSecret) || !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("scrub: %v", err)
	}
}
