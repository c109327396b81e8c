package listen

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
	"github.com/zoomqos/zoomqos/store/storetest"
)

// serve runs srv on a loopback port until the test ends, and returns its
// address; the test fails if Serve ends in an error.
func serve(t *testing.T, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(guard):
			t.Error("Serve did not return after its context ended")
		}
	})
	return ln.Addr().String()
}

// signedRequest is a POST of body to url, signed now with the test's
// secret.
func signedRequest(t *testing.T, url string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set(zoom.TimestampHeader, ts)
	req.Header.Set(zoom.SignatureHeader, zoom.Sign(testSecret, ts, body))
	return req
}

// selfSigned writes a certificate for 127.0.0.1 and its key to PEM files,
// and returns their paths and the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(15), Subject: pkix.Name{CommonName: "zoomqos test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err = x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, cert
}

// With a certificate, the endpoint speaks HTTPS: a client that trusts the
// certificate has its event stored; plain HTTP to the same port, or a
// client that does not trust it, stores nothing.
func TestTLSServesHTTPS(t *testing.T) {
	certFile, keyFile, cert := selfSigned(t)
	db := storetest.MustOpen(t)
	com := NewCommitter(db, nil, 64)
	t.Cleanup(com.Close)
	var log zoomtest.Log
	addr := serve(t, &Server{Webhook: &Webhook{Secret: testSecret, Committer: com}, Path: "/zoom", TLSCert: certFile, TLSKey: keyFile, Log: log.Logger()})
	ctx := context.Background()

	roots := x509.NewCertPool()
	roots.AddCert(cert)
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}, Timeout: guard}
	resp, err := trusting.Do(signedRequest(t, "https://"+addr+"/zoom", qosEvent("tls==", "1", 1, "20kbps")))
	if err != nil {
		t.Fatalf("HTTPS: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.TLS == nil {
		t.Fatalf("HTTPS: status %d, TLS %v", resp.StatusCode, resp.TLS != nil)
	}
	if m, err := db.Meeting(ctx, "tls=="); err != nil || m.Samples != 1 {
		t.Fatalf("the event sent over HTTPS: %+v, %v", m, err)
	}
	// /healthz is served over HTTPS too.
	if resp, err := trusting.Get("https://" + addr + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz over HTTPS: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	plain := &http.Client{Timeout: guard}
	resp, err = plain.Do(signedRequest(t, "http://"+addr+"/zoom", qosEvent("plain==", "1", 1, "20kbps")))
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("plain HTTP to the TLS port: status %d", resp.StatusCode)
		}
	}
	resp, err = plain.Do(signedRequest(t, "https://"+addr+"/zoom", qosEvent("untrusted==", "1", 1, "20kbps")))
	if err == nil {
		resp.Body.Close()
		t.Errorf("a client that does not trust the certificate got status %d", resp.StatusCode)
	}
	// The server's own complaints go to the listener's log, at debug
	// level, not to the process's stderr through the standard logger.
	logged := func() bool {
		return strings.Contains(log.String(), "level=DEBUG") && strings.Contains(log.String(), "TLS handshake error")
	}
	for deadline := time.Now().Add(guard); !logged() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if !logged() {
		t.Errorf("the failed handshakes are not in the log:\n%s", log.String())
	}
	for _, id := range []string{"plain==", "untrusted=="} {
		if _, err := db.MeetingInfo(ctx, id); err == nil {
			t.Errorf("meeting %s stored: sent without TLS, or to a client that refused the server", id)
		}
	}
}

// slowConn is a client that writes a request a byte at a time.
type slowConn struct {
	sent   atomic.Int64  // bytes written
	closed chan struct{} // closed when the server ended the connection
	answer []byte        // what the server wrote, once closed is
}

// dribble connects to addr, writes head at once, then rest one byte every
// gap, until rest is written or the server closes the connection.
func dribble(t *testing.T, addr, head string, rest []byte, gap time.Duration) *slowConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s := &slowConn{closed: make(chan struct{})}
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.answer, _ = io.ReadAll(c)
		close(s.closed)
	}()
	go func() {
		for _, b := range rest {
			select {
			case <-s.closed:
				return
			case <-time.After(gap):
			}
			if _, err := c.Write([]byte{b}); err != nil {
				return
			}
			s.sent.Add(1)
		}
	}()
	return s
}

// wait waits for the server to close the connection; the test fails if
// it does not within the guard (a client dribbling for longer than that
// would have held it).
func (s *slowConn) wait(t *testing.T, what string) {
	t.Helper()
	select {
	case <-s.closed:
	case <-time.After(guard):
		t.Fatalf("%s: the server still holds the connection after %s (%d bytes sent)", what, guard, s.sent.Load())
	}
}

// Slow clients cannot hold the endpoint: one that sends its headers a
// byte at a time is cut off by the header timeout, one that dribbles its
// body by the read timeout (its event not stored), and requests at normal
// speed are answered meanwhile.
func TestSlowClientsCutOff(t *testing.T) {
	db := storetest.MustOpen(t)
	com := NewCommitter(db, nil, 64)
	t.Cleanup(com.Close)
	addr := serve(t, &Server{Webhook: &Webhook{Secret: testSecret, Committer: com}, Path: "/zoom",
		ReadHeaderTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 3 * time.Second, IdleTimeout: 2 * time.Second})
	ctx := context.Background()
	const gap = 10 * time.Millisecond

	// Headers that never end: 20 s of them at this pace.
	var headers []*slowConn
	for range 3 {
		headers = append(headers, dribble(t, addr, "POST /zoom HTTP/1.1\r\nHost: x\r\nX-Pad: ",
			bytes.Repeat([]byte("a"), int(guard/gap)), gap))
	}
	// A signed event whose body comes a byte at a time: 20 s of it.
	body := append(qosEvent("slow==", "1", 1, "20kbps"), bytes.Repeat([]byte(" "), int(guard/gap))...)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	head := fmt.Sprintf("POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s: %s\r\n%s: %s\r\n\r\n",
		len(body), zoom.TimestampHeader, ts, zoom.SignatureHeader, zoom.Sign(testSecret, ts, body))
	var bodies []*slowConn
	for range 3 {
		bodies = append(bodies, dribble(t, addr, head, body, gap))
	}

	// Meanwhile, events sent at normal speed are answered.
	client := &http.Client{Timeout: guard}
	for i := range 5 {
		resp, err := client.Do(signedRequest(t, "http://"+addr+"/zoom", qosEvent("fast==", "1", i, "20kbps")))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("a normal request among slow ones: status %d", resp.StatusCode)
		}
	}
	open := 0
	for _, s := range append(headers, bodies...) {
		select {
		case <-s.closed:
		default:
			open++
		}
	}
	if open == 0 {
		t.Log("the slow connections were all closed before the normal requests ended: a loaded machine")
	}

	for i, s := range headers {
		s.wait(t, fmt.Sprintf("headers a byte at a time (%d)", i))
		if bytes.Contains(s.answer, []byte(" 204 ")) {
			t.Errorf("a request with no end to its headers was answered: %q", s.answer)
		}
	}
	for i, s := range bodies {
		s.wait(t, fmt.Sprintf("body a byte at a time (%d)", i))
		if n := s.sent.Load(); n >= int64(len(body)) {
			t.Errorf("the whole body (%d bytes) went in before the server cut it off", n)
		}
		if bytes.Contains(s.answer, []byte(" 204 ")) {
			t.Errorf("a request whose body never came in time was answered: %q", s.answer)
		}
	}
	if _, err := db.MeetingInfo(ctx, "slow=="); err == nil {
		t.Error("the event of the dribbled body was stored")
	}
	if m, err := db.Meeting(ctx, "fast=="); err != nil || m.Samples != 5 {
		t.Errorf("the normal requests' events: %+v, %v", m, err)
	}
}
