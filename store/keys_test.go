package store

import (
	"bytes"
	"testing"
	"time"
)

func TestTimeKeyRoundTrip(t *testing.T) {
	times := []time.Time{
		{},
		time.Date(1969, 12, 31, 23, 59, 59, 999, time.UTC),
		time.Unix(0, 0).UTC(),
		time.Date(2021, 6, 24, 20, 0, 0, 0, time.UTC),
		time.Date(2022, 3, 1, 10, 16, 0, 123456789, time.UTC),
		time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for i, tm := range times {
		k := timeKey(tm)
		if len(k) != timeKeyLen {
			t.Fatalf("key of %s has %d bytes", tm, len(k))
		}
		got, err := parseTimeKey(k)
		if err != nil || !got.Equal(tm) {
			t.Errorf("round trip of %s = %s, %v", tm, got, err)
		}
		// Byte order is time order (the zero time first).
		if i > 0 && bytes.Compare(timeKey(times[i-1]), k) >= 0 {
			t.Errorf("key of %s does not sort after %s", tm, times[i-1])
		}
	}
	// A non-UTC time gets the key of the same instant.
	paris := time.FixedZone("CET", 3600)
	if !bytes.Equal(timeKey(time.Date(2022, 3, 1, 11, 0, 0, 0, paris)), timeKey(time.Date(2022, 3, 1, 10, 0, 0, 0, time.UTC))) {
		t.Error("same instant in two zones has two keys")
	}
	if _, err := parseTimeKey([]byte{1, 2, 3}); err == nil {
		t.Error("short key accepted")
	}
}

func TestSessionKeyRoundTrip(t *testing.T) {
	join := time.Date(2022, 3, 1, 10, 15, 14, 0, time.UTC)
	for _, k := range []SessionKey{
		{"_f08HhPJS82MIVLuuFaJPg", join},
		{"16780288", time.Time{}},
		{"with/slash+and=equals\x00nul", join},
		{"", join},
	} {
		got, err := parseSessionKey(sessionKey(k))
		if err != nil || got.Participant != k.Participant || !got.JoinTime.Equal(k.JoinTime) {
			t.Errorf("round trip of %+v = %+v, %v", k, got, err)
		}
	}
	// Sessions list in join order whatever the participant ids.
	early := sessionKey(SessionKey{"zzz", join})
	late := sessionKey(SessionKey{"aaa", join.Add(time.Second)})
	if bytes.Compare(early, late) >= 0 {
		t.Error("session keys do not sort by join time")
	}
	if _, err := parseSessionKey([]byte("short")); err == nil {
		t.Error("short session key accepted")
	}
}
