// Package smtptest runs a real SMTP server on loopback for tests
// (emersion/go-smtp): PLAIN login, STARTTLS when given a certificate, and
// a refusal for every recipient at refused.example. It keeps what it is
// sent. It imports nothing of zoomqos, and only tests import it.
package smtptest

import (
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is a running SMTP server.
type Server struct {
	Addr     string // host:port on 127.0.0.1
	user     string
	password string
	quote    func(response []byte) string // nil: refusals quote nothing
	mu       sync.Mutex
	mails    []Mail
}

// Mail is one message the server took.
type Mail struct {
	From string
	To   []string
	Data []byte
}

// Received returns the messages taken so far.
func (s *Server) Received() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Start starts a server on 127.0.0.1 until the test ends. With a user it
// wants a login; with tlsConf it offers STARTTLS (and allows logins only
// after it).
func Start(t testing.TB, user, password string, tlsConf *tls.Config) *Server {
	t.Helper()
	return start(t, &Server{user: user, password: password}, tlsConf)
}

// StartEchoing starts a server like Start whose refusal of a login quotes
// the client's AUTH line, credentials and all, as some servers do.
func StartEchoing(t testing.TB, user, password string, tlsConf *tls.Config) *Server {
	t.Helper()
	return StartQuoting(t, user, password, tlsConf, func(response []byte) string {
		return "Authentication failed for AUTH PLAIN " + base64.StdEncoding.EncodeToString(response)
	})
}

// StartQuoting starts a server like Start whose refusal of a login (535
// 5.7.8) says what quote makes of the client's PLAIN response
// ("\x00user\x00password", decoded): a "\n" in it makes the reply one of
// several lines, as servers that quote at length send.
func StartQuoting(t testing.TB, user, password string, tlsConf *tls.Config, quote func(response []byte) string) *Server {
	t.Helper()
	return start(t, &Server{user: user, password: password, quote: quote}, tlsConf)
}

func start(t testing.TB, ms *Server, tlsConf *tls.Config) *Server {
	t.Helper()
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{srv: ms}, nil }))
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

type session struct {
	srv  *Server
	auth bool
	cur  Mail
}

func (m *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (m *session) Auth(string) (sasl.Server, error) {
	plain := sasl.NewPlainServer(func(_, user, pass string) error {
		if user != m.srv.user || pass != m.srv.password {
			return smtp.ErrAuthFailed
		}
		m.auth = true
		return nil
	})
	if m.srv.quote == nil {
		return plain, nil
	}
	return quotingServer{plain, m.srv.quote}, nil
}

// quotingServer refuses a login quoting what it was sent.
type quotingServer struct {
	sasl.Server
	quote func([]byte) string
}

func (q quotingServer) Next(response []byte) ([]byte, bool, error) {
	challenge, done, err := q.Server.Next(response)
	if err != nil {
		return nil, false, &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: q.quote(response)}
	}
	return challenge, done, nil
}

func (m *session) Mail(from string, _ *smtp.MailOptions) error {
	if m.srv.user != "" && !m.auth {
		return smtp.ErrAuthRequired
	}
	m.cur = Mail{From: from}
	return nil
}

func (m *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasSuffix(to, "@refused.example") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	m.cur.To = append(m.cur.To, to)
	return nil
}

func (m *session) Data(r io.Reader) error {
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

func (m *session) Reset()        { m.cur = Mail{} }
func (m *session) Logout() error { return nil }
