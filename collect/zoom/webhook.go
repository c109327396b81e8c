package zoom

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Zoom signs every webhook request with the app's secret token:
//
//	x-zm-request-timestamp: <Unix seconds>
//	x-zm-signature: v0=<hex HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)>
//
// and checks a new endpoint URL (and every 72 hours after) with an
// endpoint.url_validation event, whose answer proves the endpoint knows
// the secret: {"plainToken": P, "encryptedToken": hex HMAC-SHA256(secret, P)}.

// SignatureHeader and TimestampHeader are the headers of a signed request.
const (
	SignatureHeader = "x-zm-signature"
	TimestampHeader = "x-zm-request-timestamp"
)

// MaxClockSkew is how far a request's timestamp may be from the receiver's
// clock: older requests are refused as possible replays.
const MaxClockSkew = 5 * time.Minute

// Errors of VerifySignature. Their text names no part of the request, so
// that they can be logged as they are.
var (
	ErrNoSignature  = errors.New("no x-zm-signature or x-zm-request-timestamp header")
	ErrBadSignature = errors.New("x-zm-signature does not match the body")
	ErrStale        = errors.New("x-zm-request-timestamp is more than 5 minutes off")
)

// Sign returns the x-zm-signature value of a body sent at timestamp (Unix
// seconds, as written in the header).
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("v0:"))
	m.Write([]byte(timestamp))
	m.Write([]byte(":"))
	m.Write(body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature checks a request's signature over its raw body, in
// constant time, and that its timestamp is within MaxClockSkew of now. It
// returns the request's time.
func VerifySignature(secret []byte, timestamp, signature string, body []byte, now time.Time) (time.Time, error) {
	if timestamp == "" || signature == "" {
		return time.Time{}, ErrNoSignature
	}
	want := Sign(secret, timestamp, body)
	if !hmac.Equal([]byte(want), []byte(strings.TrimSpace(signature))) {
		return time.Time{}, ErrBadSignature
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return time.Time{}, ErrBadSignature
	}
	// Zoom writes seconds; a timestamp in milliseconds is read as such.
	at := time.Unix(sec, 0)
	if sec > 1e11 {
		at = time.UnixMilli(sec)
	}
	if d := now.Sub(at); d > MaxClockSkew || d < -MaxClockSkew {
		return time.Time{}, ErrStale
	}
	return at, nil
}

// EncryptToken returns the encryptedToken that answers a URL validation's
// plainToken.
func EncryptToken(secret []byte, plainToken string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(plainToken))
	return hex.EncodeToString(m.Sum(nil))
}
