package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// Keys are fixed-width and big-endian so that bbolt's byte order is time
// order (etcd's revision keys do the same).
//
//	time key     8 bytes: Unix nanoseconds with the sign bit flipped, so that
//	             times before 1970 sort first; the zero time.Time is all zeros.
//	session key  time key of the join time, the participant id's length (2
//	             bytes), the id: sessions list in join order, and no session
//	             key is a prefix of another's.
//	sample key   session key, then the sample's time key: a session's
//	             samples lie together, in time order.
//	raw key      8 bytes: the bucket's sequence number, in storage order.

const timeKeyLen = 8

// appendTimeKey appends t's time key to b.
func appendTimeKey(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.BigEndian.AppendUint64(b, 0)
	}
	return binary.BigEndian.AppendUint64(b, uint64(t.UnixNano())^(1<<63))
}

// timeKey returns t's time key.
func timeKey(t time.Time) []byte { return appendTimeKey(make([]byte, 0, timeKeyLen), t) }

// parseTimeKey decodes a time key into a UTC time.
func parseTimeKey(k []byte) (time.Time, error) {
	if len(k) != timeKeyLen {
		return time.Time{}, fmt.Errorf("time key has %d bytes, want %d", len(k), timeKeyLen)
	}
	u := binary.BigEndian.Uint64(k)
	if u == 0 {
		return time.Time{}, nil
	}
	return time.Unix(0, int64(u^(1<<63))).UTC(), nil
}

// maxParticipant is the longest participant id a session key holds.
const maxParticipant = 1<<16 - 1

// sessionKey returns the key of a session; the participant id must not be
// longer than maxParticipant bytes.
func sessionKey(k SessionKey) []byte {
	b := make([]byte, 0, timeKeyLen+2+len(k.Participant)+timeKeyLen)
	b = appendTimeKey(b, k.JoinTime)
	b = binary.BigEndian.AppendUint16(b, uint16(len(k.Participant)))
	return append(b, k.Participant...)
}

// parseSessionKey decodes a session key.
func parseSessionKey(k []byte) (SessionKey, error) {
	if len(k) < timeKeyLen+2 {
		return SessionKey{}, fmt.Errorf("session key has %d bytes, want at least %d", len(k), timeKeyLen+2)
	}
	t, err := parseTimeKey(k[:timeKeyLen])
	if err != nil {
		return SessionKey{}, err
	}
	if n := int(binary.BigEndian.Uint16(k[timeKeyLen:])); n != len(k)-timeKeyLen-2 {
		return SessionKey{}, fmt.Errorf("session key says %d bytes of participant id, has %d", n, len(k)-timeKeyLen-2)
	}
	return SessionKey{Participant: string(k[timeKeyLen+2:]), JoinTime: t}, nil
}

// sampleKey appends a sample's time key to its session's key.
func sampleKey(session []byte, t time.Time) []byte {
	return appendTimeKey(session[:len(session):len(session)], t)
}

// seqKey returns the key of a sequence number.
func seqKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// representable reports whether t survives a round trip through a time key:
// Unix nanoseconds cover the years 1678 to 2262.
func representable(t time.Time) bool {
	if t.IsZero() {
		return true
	}
	return t.After(time.Unix(0, math.MinInt64)) && t.Before(time.Unix(0, math.MaxInt64))
}
