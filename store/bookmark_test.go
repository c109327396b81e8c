package store

import (
	"testing"
	"time"
)

func TestBookmark(t *testing.T) {
	db := MustOpenDB(t)
	got, err := db.Bookmark(ctx0, "digest")
	if err != nil || !got.IsZero() {
		t.Fatalf("a new file's bookmark = %v, %v; want none", got, err)
	}
	at := time.Date(2026, 11, 30, 7, 0, 0, 123456789, time.FixedZone("X", 3600))
	if err := db.SetBookmark(ctx0, "digest", at); err != nil {
		t.Fatal(err)
	}
	db = reopenReadOnly(t, db)
	if got, err = db.Bookmark(ctx0, "digest"); err != nil || !got.Equal(at) {
		t.Errorf("bookmark after reopening = %v, %v; want %v", got, err, at)
	}
	if got, _ := db.Bookmark(ctx0, "other"); !got.IsZero() {
		t.Errorf("another name's bookmark = %v, want none", got)
	}
}

// A write that adds no session or sample leaves LastStored as it was: the digest
// reports meetings whose data changed since it last ran, not those
// collected again to no effect.
func TestLastStoredMovesOnlyWithNewData(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	db, err := Open(ctx0, t.TempDir()+"/qos.db", Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	page := testPage("m1", Past, `{"x":1}`, session("alice", t0, 4, 100))
	if _, err := db.PutPage(ctx0, page); err != nil {
		t.Fatal(err)
	}
	first := now
	now = now.Add(time.Hour)
	if _, err := db.PutPage(ctx0, page); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.MeetingInfo(ctx0, "m1"); !m.LastStored.Equal(first) {
		t.Errorf("after storing the same page again, LastStored = %v; want %v", m.LastStored, first)
	}
	// A live meeting's details change at every poll: they are kept, and
	// LastStored stays.
	page.Details = &MeetingDetails{Topic: "Standup", Duration: "00:05:30"}
	if _, err := db.PutPage(ctx0, page); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.MeetingInfo(ctx0, "m1"); !m.LastStored.Equal(first) || m.Details == nil || m.Details.Duration != "00:05:30" || m.Topic != "Standup" {
		t.Errorf("after new details alone: LastStored %v (want %v), details %+v", m.LastStored, first, m.Details)
	}
	now = now.Add(time.Hour)
	more := testPage("m1", Past, `{"x":2}`, session("bob", t0, 2, 100))
	if _, err := db.PutPage(ctx0, more); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.MeetingInfo(ctx0, "m1"); !m.LastStored.Equal(now) || !m.FirstStored.Equal(first) {
		t.Errorf("after new samples, stored %v .. %v; want %v .. %v", m.FirstStored, m.LastStored, first, now)
	}
}
