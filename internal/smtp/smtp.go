package smtp

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/mail"
	netsmtp "net/smtp"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/zoomqos/zoomqos/internal/secret"
)

// Client is a mail server to send through, and how to reach it.
type Client struct {
	// URL is smtp://[user@]host[:port] (STARTTLS, port 587 by default) or
	// smtps://[user@]host[:port] (TLS from the start, port 465). It holds
	// no password.
	URL      string
	Password string
	// TLS, when set, is the TLS configuration to use: the roots that
	// signed a server's certificate when the system's do not (a company's
	// own CA; tests give theirs). ServerName is set from the URL.
	TLS *tls.Config
	// Dial, when set, opens the connection in place of a plain dial: a
	// proxy, or a name the resolver does not know (tests point one at a
	// loopback server).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Secrets, when set, is the run's set of secrets: errors are scrubbed
	// with it, and the password is added to it. Without it, Send scrubs
	// with a set of the password alone. Either way no form of the
	// password (plain, or base64 in a quoted AUTH PLAIN or LOGIN line,
	// whole, cut short or split across the lines of a reply) reaches an
	// error.
	Secrets *secret.Set
}

// The mail settings' errors, for callers to tell apart with errors.Is:
// a program that takes the settings from flags, the environment or a file
// names them as its users give them. They come as a *SettingError.
var (
	ErrURL           = errors.New("the SMTP URL is not a URL like smtp://user@mail.example.com:587")
	ErrScheme        = errors.New("the SMTP URL: use smtp:// (STARTTLS) or smtps:// (TLS)")
	ErrPasswordInURL = errors.New("the SMTP URL holds a password: give it as the password instead")
	ErrNoPassword    = errors.New("the SMTP URL names a user but no password is given")
	ErrNoAuth        = errors.New("the mail server does not offer authentication (AUTH), but the SMTP URL names a user")
	ErrNoRecipients  = errors.New("no recipients")
)

// SettingError is a mail setting that is wrong or missing, rather than a
// server that failed or refused: Err is one of the errors above, Server the
// URL as far as it parsed. Its message never repeats the URL: it might
// hold a password.
type SettingError struct {
	Err    error
	Server Server
}

func (e *SettingError) Error() string {
	switch e.Err {
	case ErrNoPassword:
		return fmt.Sprintf("the SMTP URL names user %s but no password is given", e.Server.user)
	case ErrNoAuth:
		return fmt.Sprintf("the mail server %s does not offer authentication (AUTH), but the SMTP URL names a user", e.Server)
	}
	return e.Err.Error()
}

func (e *SettingError) Unwrap() error { return e.Err }

// Server is a parsed SMTP URL.
type Server struct {
	host, port, user string
	implicitTLS      bool
}

// ParseURL checks an SMTP URL; its errors are *SettingError.
func ParseURL(raw string) (Server, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return Server{}, &SettingError{Err: ErrURL}
	}
	s := Server{host: u.Hostname(), port: u.Port()}
	switch u.Scheme {
	case "smtp":
		if s.port == "" {
			s.port = "587"
		}
	case "smtps":
		s.implicitTLS = true
		if s.port == "" {
			s.port = "465"
		}
	default:
		return Server{}, &SettingError{Err: ErrScheme}
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			return Server{}, &SettingError{Err: ErrPasswordInURL}
		}
		s.user = u.User.Username()
	}
	return s, nil
}

// User is the user the URL names, "" for none.
func (s Server) User() string { return s.user }

// String names the server for messages: user@host:port, no secrets.
func (s Server) String() string {
	at := ""
	if s.user != "" {
		at = s.user + "@"
	}
	return at + net.JoinHostPort(s.host, s.port)
}

// loopback says whether the host is this machine, where mail may go
// without TLS.
func (s Server) loopback() bool {
	if s.host == "localhost" {
		return true
	}
	ip := net.ParseIP(s.host)
	return ip != nil && ip.IsLoopback()
}

// RefusedError says which recipients the server refused; the message was
// sent to the others.
type RefusedError struct {
	Server  string
	Refused map[string]string // address → the server's reply
	Sent    int
}

func (e *RefusedError) Error() string {
	var parts []string
	for a, why := range e.Refused {
		parts = append(parts, a+" ("+why+")")
	}
	msg := fmt.Sprintf("%s refused %d recipient(s): %s", e.Server, len(e.Refused), strings.Join(parts, ", "))
	if e.Sent > 0 {
		msg += fmt.Sprintf("; sent to the other %d", e.Sent)
	}
	return msg
}

// Send delivers a message to the recipients. It insists on TLS (STARTTLS
// or smtps) unless the server is on this machine, authenticates when the
// URL names a user, and returns a *RefusedError when the server refuses
// some recipients but takes the others, a *SettingError when the settings
// are wrong or missing. Servers' replies are quoted in
// errors on one line, with every secret scrubbed: some quote the AUTH line
// they were sent, password and all, over several lines.
func (c Client) Send(ctx context.Context, from *mail.Address, to []*mail.Address, msg []byte) error {
	secrets := c.Secrets
	if secrets == nil {
		secrets = new(secret.Set)
	}
	secrets.Add(c.Password)
	return secrets.Error(c.send(ctx, from, to, msg, secrets))
}

func (c Client) send(ctx context.Context, from *mail.Address, to []*mail.Address, msg []byte, secrets *secret.Set) error {
	s, err := ParseURL(c.URL)
	if err != nil {
		return err
	}
	// What AUTH PLAIN sends (net/smtp's PlainAuth with no identity).
	sent := base64.StdEncoding.EncodeToString([]byte("\x00" + s.user + "\x00" + c.Password))
	// reply quotes a server reply on one line, scrubbed as a whole: a
	// quote split across the lines of a reply is found as well.
	reply := func(err error) string {
		return strings.Join(strings.Fields(secrets.ScrubSplit(unquoteAuth(smtpReply(err), sent), replyLineCode)), " ")
	}
	if s.user != "" && c.Password == "" {
		return &SettingError{Err: ErrNoPassword, Server: s}
	}
	if len(to) == 0 {
		return &SettingError{Err: ErrNoRecipients, Server: s}
	}
	dial := c.Dial
	if dial == nil {
		d := &net.Dialer{Timeout: 30 * time.Second}
		dial = d.DialContext
	}
	conn, err := dial(ctx, "tcp", net.JoinHostPort(s.host, s.port))
	if err != nil {
		return fmt.Errorf("connecting to the mail server %s: %w", s, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	} else {
		conn.SetDeadline(time.Now().Add(2 * time.Minute))
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()

	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.TLS != nil {
		tlsConf = c.TLS.Clone()
	}
	tlsConf.ServerName = s.host
	if s.implicitTLS {
		tc := tls.Client(conn, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return fmt.Errorf("TLS with the mail server %s: %w", s, err)
		}
		conn = tc
	}
	cl, err := netsmtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("the mail server %s: %w", s, err)
	}
	defer cl.Close()
	if !s.implicitTLS {
		if ok, _ := cl.Extension("STARTTLS"); ok {
			if err := cl.StartTLS(tlsConf); err != nil {
				return fmt.Errorf("STARTTLS with the mail server %s: %w", s, err)
			}
		} else if !s.loopback() {
			return fmt.Errorf("the mail server %s does not offer STARTTLS; zoomqos sends mail unencrypted only to a server on this machine", s)
		}
	}
	if s.user != "" {
		if ok, _ := cl.Extension("AUTH"); !ok {
			return &SettingError{Err: ErrNoAuth, Server: s}
		}
		if err := cl.Auth(netsmtp.PlainAuth("", s.user, c.Password, s.host)); err != nil {
			return fmt.Errorf("the SMTP server %s refused the login as %s: %s", net.JoinHostPort(s.host, s.port), s.user, reply(err))
		}
	}
	if err := cl.Mail(from.Address); err != nil {
		return fmt.Errorf("the mail server %s refused the sender %s: %s", s, from.Address, reply(err))
	}
	refused := map[string]string{}
	for _, a := range to {
		if err := cl.Rcpt(a.Address); err != nil {
			var te *textproto.Error
			if !errors.As(err, &te) {
				return fmt.Errorf("the mail server %s: %w", s, err)
			}
			refused[a.Address] = reply(err)
		}
	}
	if len(refused) == len(to) {
		return &RefusedError{Server: s.String(), Refused: refused}
	}
	wc, err := cl.Data()
	if err != nil {
		return fmt.Errorf("the mail server %s would not take the message: %s", s, reply(err))
	}
	if _, err := wc.Write(msg); err != nil {
		return fmt.Errorf("sending the message to %s: %w", s, err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("the mail server %s did not accept the message: %s", s, reply(err))
	}
	cl.Quit()
	if len(refused) > 0 {
		return &RefusedError{Server: s.String(), Refused: refused, Sent: len(to) - len(refused)}
	}
	return nil
}

// smtpReply is a server's reply for a message: its code and text, with
// the lines of a reply of several.
func smtpReply(err error) string {
	var te *textproto.Error
	if errors.As(err, &te) {
		return fmt.Sprintf("%d %s", te.Code, te.Msg)
	}
	return err.Error()
}

// replyCode is what begins a line of a reply of several: its code, and an
// enhanced status code ("535-5.7.8 ").
var replyCode = regexp.MustCompile(`^\s*(\d{3}[ -])?\s*(\d\.\d{1,3}\.\d{1,3}\s)?\s*`)

// replyLineCode is the length of what begins line that is no part of the
// server's message: a secret split across lines is read without it.
func replyLineCode(line string) int { return len(replyCode.FindString(line)) }

// unquoteAuth takes out of a reply every word of base64 (four characters
// or more) that is part of sent, the AUTH PLAIN line's: however a server
// cuts it, or splits it across the lines of a reply, no piece of the
// password's encoding is left to decode.
func unquoteAuth(reply, sent string) string {
	norm := strings.NewReplacer("-", "+", "_", "/")
	isB64 := func(c byte) bool {
		return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("+/-_", c) >= 0
	}
	var b strings.Builder
	for i := 0; i < len(reply); {
		if !isB64(reply[i]) {
			b.WriteByte(reply[i])
			i++
			continue
		}
		j := i
		for j < len(reply) && isB64(reply[j]) {
			j++
		}
		k := j
		for k < len(reply) && reply[k] == '=' {
			k++
		}
		if j-i >= 4 && strings.Contains(sent, norm.Replace(reply[i:j])) {
			b.WriteString(secret.Redacted)
		} else {
			b.WriteString(reply[i:k])
		}
		i = k
	}
	return b.String()
}
