package zoom

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The signature check never panics, accepts a request only with the
// signature Sign gives its secret, timestamp and body, accepts that one
// when the timestamp is within five minutes, and refuses it once any one
// byte of the body or of the signature changes.
func FuzzVerifySignature(f *testing.F) {
	f.Add([]byte("whsec"), "1764584100", "v0=00", []byte(`{"event":"meeting.alert"}`), int64(0), uint(3), byte(1))
	f.Add([]byte(""), "", "", []byte(""), int64(300), uint(0), byte(0x20))
	f.Add([]byte("s"), "1764584100000", " v0=", []byte("{}"), int64(-301), uint(1), byte(0x80))
	f.Add([]byte("\x00\xff"), "-1", "v0=zz", []byte("\n"), int64(-300), uint(99), byte(0xff))
	now := time.Unix(1764584100, 0)
	f.Fuzz(func(t *testing.T, secret []byte, ts, sig string, body []byte, offset int64, pos uint, flip byte) {
		// Anything at all: no panic, and no signature but the right one.
		if _, err := VerifySignature(secret, ts, sig, body, now); err == nil && strings.TrimSpace(sig) != Sign(secret, ts, body) {
			t.Fatalf("signature %q accepted for timestamp %q; the right one is %s", sig, ts, Sign(secret, ts, body))
		}

		// A request signed by Zoom offset seconds from now.
		offset %= 3600
		stamp := strconv.FormatInt(now.Unix()+offset, 10)
		good := Sign(secret, stamp, body)
		at, err := VerifySignature(secret, stamp, good, body, now)
		within := offset >= -300 && offset <= 300
		switch {
		case within && err != nil:
			t.Fatalf("a signature made %ds off refused: %v", offset, err)
		case within && !at.Equal(now.Add(time.Duration(offset)*time.Second)):
			t.Fatalf("request time %v for timestamp %s", at, stamp)
		case !within && !errors.Is(err, ErrStale):
			t.Fatalf("a signature made %ds off: %v, want ErrStale", offset, err)
		}
		if flip == 0 {
			flip = 1
		}
		if len(body) > 0 {
			changed := []byte(string(body))
			changed[pos%uint(len(body))] ^= flip
			if _, err := VerifySignature(secret, stamp, good, changed, now); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("body changed at byte %d: %v, want ErrBadSignature", pos%uint(len(body)), err)
			}
		}
		changed := []byte(good)
		changed[pos%uint(len(good))] ^= flip
		if _, err := VerifySignature(secret, stamp, string(changed), body, now); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("signature changed at byte %d (%q): %v, want ErrBadSignature", pos%uint(len(good)), changed, err)
		}
	})
}
