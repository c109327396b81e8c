package report

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// mailServer is a real SMTP server on loopback (emersion/go-smtp) that
// keeps what it is sent.
type mailServer struct {
	Addr     string
	User     string
	Password string
	mu       sync.Mutex
	mails    []receivedMail
}

type receivedMail struct {
	From string
	To   []string
	Data []byte
}

func (s *mailServer) received() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.mails...)
}

type mailSession struct {
	srv  *mailServer
	auth bool
	cur  receivedMail
}

func (m *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (m *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != m.srv.User || pass != m.srv.Password {
			return smtp.ErrAuthFailed
		}
		m.auth = true
		return nil
	}), nil
}
func (m *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if m.srv.User != "" && !m.auth {
		return smtp.ErrAuthRequired
	}
	m.cur = receivedMail{From: from}
	return nil
}
func (m *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasSuffix(to, "@refused.example") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	m.cur.To = append(m.cur.To, to)
	return nil
}
func (m *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.cur.Data = b
	m.srv.mu.Lock()
	m.srv.mails = append(m.srv.mails, m.cur)
	m.srv.mu.Unlock()
	return nil
}
func (m *mailSession) Reset()        { m.cur = receivedMail{} }
func (m *mailSession) Logout() error { return nil }

// startMailServer starts an SMTP server on 127.0.0.1. With tlsConf it
// offers STARTTLS; with a user it wants a login.
func startMailServer(t testing.TB, user, password string, tlsConf *tls.Config) *mailServer {
	t.Helper()
	ms := &mailServer{User: user, Password: password}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{srv: ms}, nil }))
	s.Domain = "mail.test"
	s.AllowInsecureAuth = tlsConf == nil
	s.TLSConfig = tlsConf
	s.MaxMessageBytes = 64 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	ms.Addr = ln.Addr().String()
	return ms
}

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

func TestSendOnLoopback(t *testing.T) {
	srv := startMailServer(t, "reports", "s3cret-pass", nil)
	c := SMTP{URL: "smtp://reports@" + srv.Addr, Password: "s3cret-pass"}
	if err := c.Send(context.Background(), sender, []*mail.Address{{Address: "ops@example.com"}, {Address: "av@example.com"}}, msg); err != nil {
		t.Fatal(err)
	}
	got := srv.received()
	if len(got) != 1 || got[0].From != "reports@example.com" || strings.Join(got[0].To, ",") != "ops@example.com,av@example.com" {
		t.Fatalf("received %+v", got)
	}
	if string(got[0].Data) != string(msg) {
		t.Errorf("the server got %q, want %q", got[0].Data, msg)
	}
}

func TestSendNeedsTLSOffLoopback(t *testing.T) {
	to := []*mail.Address{{Address: "ops@example.com"}}
	// A server elsewhere that offers no STARTTLS: nothing is sent, not
	// even the login.
	plain := startMailServer(t, "reports", "s3cret-pass", nil)
	c := SMTP{URL: "smtp://reports@example.com:587", Password: "s3cret-pass", Dial: dialTo(plain.Addr)}
	err := c.Send(context.Background(), sender, to, msg)
	if err == nil || !strings.Contains(err.Error(), "does not offer STARTTLS") || len(plain.received()) != 0 {
		t.Errorf("plain server elsewhere: %v, %d mails", err, len(plain.received()))
	}

	// With STARTTLS and a certificate the client trusts, it goes.
	serverTLS, roots := testCert(t)
	secure := startMailServer(t, "reports", "s3cret-pass", serverTLS)
	c = SMTP{URL: "smtp://reports@example.com:587", Password: "s3cret-pass", Dial: dialTo(secure.Addr), TLS: &tls.Config{RootCAs: roots}}
	if err := c.Send(context.Background(), sender, to, msg); err != nil || len(secure.received()) != 1 {
		t.Fatalf("STARTTLS: %v, %d mails", err, len(secure.received()))
	}
	// A certificate the client does not trust stops it.
	c.TLS = nil
	if err := c.Send(context.Background(), sender, to, msg); err == nil || !strings.Contains(err.Error(), "STARTTLS with the mail server reports@example.com:587") {
		t.Errorf("untrusted certificate: %v", err)
	}
}

func TestSendErrorsAreClearAndKeepSecrets(t *testing.T) {
	srv := startMailServer(t, "reports", "right-pass", nil)
	to := []*mail.Address{{Address: "ops@example.com"}}

	err := SMTP{URL: "smtp://reports@" + srv.Addr, Password: "wrong-pass-XYZ"}.Send(context.Background(), sender, to, msg)
	if err == nil || !strings.Contains(err.Error(), "refused the login of reports: 535") || strings.Contains(err.Error(), "wrong-pass-XYZ") {
		t.Errorf("bad password: %v", err)
	}

	// Some recipients refused: the others get it, and the error says who.
	var refused *RefusedError
	err = SMTP{URL: "smtp://reports@" + srv.Addr, Password: "right-pass"}.Send(context.Background(), sender,
		[]*mail.Address{{Address: "ops@example.com"}, {Address: "nobody@refused.example"}}, msg)
	if !errors.As(err, &refused) || refused.Sent != 1 || !strings.Contains(err.Error(), "nobody@refused.example (550 5.1.1 No such user here)") {
		t.Errorf("one refused: %v", err)
	}
	if got := srv.received(); len(got) != 1 || strings.Join(got[0].To, ",") != "ops@example.com" {
		t.Errorf("received %+v", got)
	}
	// All refused: nothing sent.
	err = SMTP{URL: "smtp://reports@" + srv.Addr, Password: "right-pass"}.Send(context.Background(), sender,
		[]*mail.Address{{Address: "a@refused.example"}}, msg)
	if !errors.As(err, &refused) || refused.Sent != 0 || len(srv.received()) != 1 {
		t.Errorf("all refused: %v", err)
	}

	for _, c := range []struct{ url, want string }{
		{"smtp://reports:inline-secret@" + srv.Addr, "holds a password"},
		{"http://" + srv.Addr, "use smtp://"},
		{"smtp://reports@" + srv.Addr, "ZOOMQOS_SMTP_PASSWORD is not set"},
		{"smtp://127.0.0.1:1", "connecting to the mail server 127.0.0.1:1"},
	} {
		err := SMTP{URL: c.url}.Send(context.Background(), sender, to, msg)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "inline-secret") {
			t.Errorf("%s: %v, want %q", c.url, err, c.want)
		}
	}
}
