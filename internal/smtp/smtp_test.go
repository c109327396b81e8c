package smtp

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"net/mail"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/internal/secret"
	"github.com/zoomqos/zoomqos/internal/smtptest"
)

// testCert is a certificate for example.com (and loopback) and a pool
// that trusts it: httptest's.
func testCert(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	return &tls.Config{Certificates: ts.TLS.Certificates}, pool
}

// dialTo connects every address to the server, whatever host the URL
// names: example.com is, for the test, the server on loopback.
func dialTo(addr string) func(context.Context, string, string) (net.Conn, error) {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
}

var (
	sender = &mail.Address{Name: "zoomqos", Address: "reports@example.com"}
	msg    = []byte("From: reports@example.com\r\nTo: ops@example.com\r\nSubject: hi\r\n\r\nbody\r\n.leading dot\r\n")
)

func TestSMTPSendOnLoopback(t *testing.T) {
	srv := smtptest.Start(t, "reports", "s3cret-pass", nil)
	c := Client{URL: "smtp://reports@" + srv.Addr, Password: "s3cret-pass"}
	if err := c.Send(context.Background(), sender, []*mail.Address{{Address: "ops@example.com"}, {Address: "av@example.com"}}, msg); err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	if len(got) != 1 || got[0].From != "reports@example.com" || strings.Join(got[0].To, ",") != "ops@example.com,av@example.com" {
		t.Fatalf("received %+v", got)
	}
	if string(got[0].Data) != string(msg) {
		t.Errorf("the server got %q, want %q", got[0].Data, msg)
	}
}

func TestSMTPNeedsTLSOffLoopback(t *testing.T) {
	to := []*mail.Address{{Address: "ops@example.com"}}
	// A server elsewhere that offers no STARTTLS: nothing is sent, not
	// even the login.
	plain := smtptest.Start(t, "reports", "s3cret-pass", nil)
	c := Client{URL: "smtp://reports@example.com:587", Password: "s3cret-pass", Dial: dialTo(plain.Addr)}
	err := c.Send(context.Background(), sender, to, msg)
	if err == nil || !strings.Contains(err.Error(), "does not offer STARTTLS") || len(plain.Received()) != 0 {
		t.Errorf("plain server elsewhere: %v, %d mails", err, len(plain.Received()))
	}

	// With STARTTLS and a certificate the client trusts, it goes.
	serverTLS, roots := testCert(t)
	secure := smtptest.Start(t, "reports", "s3cret-pass", serverTLS)
	c = Client{URL: "smtp://reports@example.com:587", Password: "s3cret-pass", Dial: dialTo(secure.Addr), TLS: &tls.Config{RootCAs: roots}}
	if err := c.Send(context.Background(), sender, to, msg); err != nil || len(secure.Received()) != 1 {
		t.Fatalf("STARTTLS: %v, %d mails", err, len(secure.Received()))
	}
	// A certificate the client does not trust stops it.
	c.TLS = nil
	if err := c.Send(context.Background(), sender, to, msg); err == nil || !strings.Contains(err.Error(), "STARTTLS with the mail server reports@example.com:587") {
		t.Errorf("untrusted certificate: %v", err)
	}
}

func TestSMTPErrorsAreClearAndKeepSecrets(t *testing.T) {
	srv := smtptest.Start(t, "reports", "right-pass", nil)
	to := []*mail.Address{{Address: "ops@example.com"}}

	err := Client{URL: "smtp://reports@" + srv.Addr, Password: "wrong-pass-XYZ"}.Send(context.Background(), sender, to, msg)
	if err == nil || !strings.Contains(err.Error(), "refused the login as reports: 535") || strings.Contains(err.Error(), "wrong-pass-XYZ") {
		t.Errorf("bad password: %v", err)
	}

	// Some recipients refused: the others get it, and the error says who.
	var refused *RefusedError
	err = Client{URL: "smtp://reports@" + srv.Addr, Password: "right-pass"}.Send(context.Background(), sender,
		[]*mail.Address{{Address: "ops@example.com"}, {Address: "nobody@refused.example"}}, msg)
	if !errors.As(err, &refused) || refused.Sent != 1 || !strings.Contains(err.Error(), "nobody@refused.example (550 5.1.1 No such user here)") {
		t.Errorf("one refused: %v", err)
	}
	if got := srv.Received(); len(got) != 1 || strings.Join(got[0].To, ",") != "ops@example.com" {
		t.Errorf("received %+v", got)
	}
	// All refused: nothing sent.
	err = Client{URL: "smtp://reports@" + srv.Addr, Password: "right-pass"}.Send(context.Background(), sender,
		[]*mail.Address{{Address: "a@refused.example"}}, msg)
	if !errors.As(err, &refused) || refused.Sent != 0 || len(srv.Received()) != 1 {
		t.Errorf("all refused: %v", err)
	}

	// Wrong settings are told apart by their errors (a program names
	// the settings as its users give them); a server that fails is not a
	// setting.
	for _, c := range []struct {
		url, want string
		is        error
	}{
		{"smtp://reports:inline-secret@" + srv.Addr, "the SMTP URL holds a password", ErrPasswordInURL},
		{"http://" + srv.Addr, "use smtp://", ErrScheme},
		{"smtp:///no-host", "not a URL like smtp://", ErrURL},
		{"smtp://reports@" + srv.Addr, "the SMTP URL names user reports but no password is given", ErrNoPassword},
		{"smtp://127.0.0.1:1", "connecting to the mail server 127.0.0.1:1", nil},
	} {
		err := Client{URL: c.url}.Send(context.Background(), sender, to, msg)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "inline-secret") {
			t.Errorf("%s: %v, want %q", c.url, err, c.want)
		}
		var se *SettingError
		if got := errors.As(err, &se); got != (c.is != nil) || (got && !errors.Is(err, c.is)) {
			t.Errorf("%s: %#v, want a *SettingError of %v", c.url, err, c.is)
		}
	}
	err = Client{URL: "smtp://reports@" + srv.Addr, Password: "right-pass"}.Send(context.Background(), sender, nil, msg)
	if !errors.Is(err, ErrNoRecipients) {
		t.Errorf("no recipients: %v", err)
	}
}

// A server that quotes the AUTH line in its refusal gets the password
// back in base64 (AUTH PLAIN); no form of it reaches the error.
func TestSMTPEchoedAuthKeepsPassword(t *testing.T) {
	const wrong = "wrong-Pass-4217-xyz"
	srv := smtptest.StartEchoing(t, "reports", "right-pass", nil)
	err := Client{URL: "smtp://reports@" + srv.Addr, Password: wrong}.Send(context.Background(), sender,
		[]*mail.Address{{Address: "ops@example.com"}}, msg)
	if err == nil || !strings.Contains(err.Error(), "refused the login as reports: 535") {
		t.Fatalf("bad password: %v", err)
	}
	if secret.Reveals(err.Error(), wrong) {
		t.Errorf("the password shows: %v", err)
	}
	if !strings.Contains(err.Error(), "AUTH PLAIN "+secret.Redacted) {
		t.Errorf("the server's quote should be there, redacted: %v", err)
	}

	// The password given through a shared set, with the run's other
	// secrets, is kept out too.
	var set secret.Set
	set.Add("some-other-secret")
	err = Client{URL: "smtp://reports@" + srv.Addr, Password: wrong, Secrets: &set}.Send(context.Background(), sender,
		[]*mail.Address{{Address: "ops@example.com"}}, msg)
	if err == nil || secret.Reveals(err.Error(), wrong) {
		t.Errorf("with a shared set: %v", err)
	}
}

// Servers that quote the login at length: over several lines of a reply
// (the AUTH PLAIN base64 split anywhere between them), or the password
// decoded and cut short. The error is one line that says which server
// refused which login, and gives no part of the password away.
func TestSMTPRefusalQuotingThePasswordInParts(t *testing.T) {
	const wrong = `pW/9+x"é<&\zQ1longpassword`
	b64 := base64.StdEncoding.EncodeToString([]byte("\x00reports\x00" + wrong))
	type quote struct {
		name string
		fn   func([]byte) string
		gone []string // what must not be left of the quote
	}
	var quotes []quote
	for k := 1; k < len(b64); k += 3 {
		quotes = append(quotes, quote{fmt.Sprintf("base64 split at %d", k), func(r []byte) string {
			s := base64.StdEncoding.EncodeToString(r)
			return "Authentication failed for AUTH PLAIN " + s[:k] + "\nrest: " + s[k:]
		}, []string{b64[:k], b64[k:]}})
	}
	// The password itself, decoded, split across two lines anywhere; and
	// 8 characters of it split in two, as a server that quotes a few on
	// each line of its reply does.
	for k := 1; k < len(wrong); k += 2 {
		quotes = append(quotes, quote{fmt.Sprintf("the password split at %d", k), func(r []byte) string {
			p := r[bytes.LastIndexByte(r, 0)+1:]
			return fmt.Sprintf("bad %s\r\n%s end", p[:k], p[k:])
		}, []string{wrong[:k], wrong[k:]}})
	}
	quotes = append(quotes,
		quote{"8 characters over two lines", func(r []byte) string {
			p := r[bytes.LastIndexByte(r, 0)+1:]
			return fmt.Sprintf("bad %s\n%s", p[:4], p[4:8])
		}, []string{wrong[:4], wrong[4:8]}},
		quote{"three lines", func(r []byte) string {
			s := base64.StdEncoding.EncodeToString(r)
			return "Authentication failed\nfor AUTH PLAIN " + s[:15] + "\n" + s[15:31] + "\n" + s[31:]
		}, []string{b64[15:31], b64[31:]}},
		quote{"the password, cut short", func(r []byte) string {
			p := r[bytes.LastIndexByte(r, 0)+1:]
			return fmt.Sprintf("bad password %s...", p[:len(p)-3])
		}, []string{wrong[:len(wrong)-3]}},
		quote{"the password's end", func(r []byte) string {
			p := r[bytes.LastIndexByte(r, 0)+1:]
			return fmt.Sprintf("bad password ...%s", p[9:])
		}, []string{wrong[9:]}},
		quote{"a piece of the password", func(r []byte) string {
			p := r[bytes.LastIndexByte(r, 0)+1:]
			return fmt.Sprintf("password %s rejected", p[11:21])
		}, []string{wrong[11:21]}},
	)
	for _, q := range quotes {
		srv := smtptest.StartQuoting(t, "reports", "right-pass", nil, q.fn)
		err := Client{URL: "smtp://reports@" + srv.Addr, Password: wrong}.Send(context.Background(), sender,
			[]*mail.Address{{Address: "ops@example.com"}}, msg)
		want := "the SMTP server " + srv.Addr + " refused the login as reports: 535 "
		if err == nil || !strings.HasPrefix(err.Error(), want) || strings.ContainsAny(err.Error(), "\r\n") {
			t.Errorf("%s: %q, want one line beginning %q", q.name, err, want)
			continue
		}
		if secret.Reveals(err.Error(), wrong) || secret.RevealsPart(err.Error(), wrong) {
			t.Errorf("%s: the password shows: %v", q.name, err)
		}
		for _, g := range q.gone {
			if len(g) >= 4 && strings.Contains(err.Error(), g) {
				t.Errorf("%s: %q is left in %v", q.name, g, err)
			}
		}
	}
}
