package store

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"
)

// timeFormat is how zoomqos writes times: RFC 3339 in UTC.
const timeFormat = time.RFC3339

// putMeeting creates or updates a meeting's info and returns its bucket;
// details, when not nil, replace Zoom's details of it, and changed reports
// whether they (or the alerts, which add to those stored) differ from those
// stored. Past data is final, so a meeting
// once stored as past stays past. It returns when the meeting's data was
// last stored before this write (zero for a new meeting), so that a write
// that adds no session or sample can put LastStored back (keepStored).
func putMeeting(tx *bbolt.Tx, s sealer, m *Meeting, details *MeetingDetails, alerts []Alert, now time.Time) (mb *bbolt.Bucket, before time.Time, changed bool, err error) {
	all := tx.Bucket(bucketMeetings)
	mb, err = all.CreateBucketIfNotExists([]byte(m.ID))
	if err != nil {
		return nil, before, false, fmt.Errorf("meeting bucket: %w", err)
	}
	info := Meeting{ID: m.ID, Type: m.Type, FirstStored: now}
	if v := mb.Get(keyInfo); v != nil {
		if err := readInfo(mb, s, &info); err != nil {
			return nil, before, false, err
		}
		before = info.LastStored
		if m.Type == Past {
			info.Type = Past
		}
	}
	info.Webinar = info.Webinar || m.Webinar
	if m.Topic != "" {
		info.Topic = m.Topic
	}
	if m.Number != "" {
		info.Number = m.Number
	}
	if details != nil {
		changed = info.applyDetails(details)
	}
	if info.addAlerts(alerts) {
		changed = true
	}
	if info.Number == "" && IsMeetingNumber(info.ID) {
		info.Number = info.ID
	}
	info.LastStored = now
	return mb, before, changed, putInfo(mb, s, &info)
}

// keepStored puts a meeting's LastStored back to what it was before a
// write that added no session or sample: LastStored then says when its
// QoS data last changed, which is what the digest reports on. A live
// meeting's details change at every poll (its duration), and a collect
// that brings nothing new stores its answer's details again.
func keepStored(mb *bbolt.Bucket, s sealer, before time.Time) error {
	var info Meeting
	if err := readInfo(mb, s, &info); err != nil {
		return err
	}
	info.LastStored = before
	return putInfo(mb, s, &info)
}

// applyDetails takes Zoom's details of the meeting: they replace those
// known, and give the meeting its topic and number. It reports whether
// they changed anything.
func (m *Meeting) applyDetails(d *MeetingDetails) bool {
	before, _ := marshalJSON(m)
	dc := *d
	m.Details = &dc
	if d.Topic != "" {
		m.Topic = d.Topic
	}
	if d.Number != "" {
		m.Number = d.Number
	}
	after, _ := marshalJSON(m)
	return !bytes.Equal(before, after)
}

// readInfo reads a meeting's info from its bucket.
func readInfo(mb *bbolt.Bucket, s sealer, m *Meeting) error {
	p, err := s.open(keyInfo, mb.Get(keyInfo), false)
	if err != nil {
		return fmt.Errorf("meeting info: %w", recordError{err})
	}
	if err := unmarshalJSON(p, m); err != nil {
		return fmt.Errorf("meeting info: %w", recordError{err})
	}
	return nil
}

// putInfo stores a meeting's info in its bucket.
func putInfo(mb *bbolt.Bucket, s sealer, m *Meeting) error {
	v, err := marshalJSON(m)
	if err != nil {
		return err
	}
	return mb.Put(keyInfo, s.sealed(keyInfo, v))
}

// MarkCollected records that a meeting's past data was collected in full at
// t, so that discovery can skip it next time.
func (db *DB) MarkCollected(ctx context.Context, id string, t time.Time) error {
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		mb, err := db.meetingBucket(tx, id)
		if err != nil {
			return err
		}
		s := db.sealer(id)
		var info Meeting
		if err := readInfo(mb, s, &info); err != nil {
			return db.damaged("meeting "+id, err)
		}
		info.Collected = t.UTC()
		return putInfo(mb, s, &info)
	})
	if err != nil {
		return wrapUnlessDamage(err, "mark meeting %s collected", id)
	}
	return nil
}

// MeetingInfo returns a stored meeting's info without counting its data,
// or ErrNotFound.
func (db *DB) MeetingInfo(ctx context.Context, id string) (Meeting, error) {
	var m Meeting
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		mb, err := db.meetingBucket(tx, id)
		if err != nil {
			return err
		}
		if err := readInfo(mb, db.sealer(id), &m); err != nil {
			return db.damaged("meeting "+id, err)
		}
		return nil
	})
	return m, err
}

// Meetings lists the stored meetings, earliest first sample first.
func (db *DB) Meetings(ctx context.Context) ([]MeetingSummary, error) {
	var out []MeetingSummary
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		all, err := db.meetings(tx)
		if err != nil {
			return err
		}
		return each(all, func(k, v []byte) error {
			if v != nil {
				return nil
			}
			s, err := db.summarize(tx, string(k))
			if errors.Is(err, ErrNotFound) {
				// Listed, yet not found by its name: the name was read
				// from a damaged page.
				return db.damaged("the list of meetings", fmt.Errorf("meeting %q is listed but cannot be found", k))
			}
			out = append(out, s)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	sortSummaries(out)
	return out, nil
}

// MeetingsStarting lists the stored meetings whose first sample falls in
// [from, to), oldest first. Unlike Meetings it reads only each meeting's
// counts, not its sessions.
func (db *DB) MeetingsStarting(ctx context.Context, from, to time.Time) ([]string, error) {
	type span struct {
		id    string
		first time.Time
	}
	var spans []span
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return db.eachMeeting(tx, func(id string, mb *bbolt.Bucket) error {
			c, err := readCounts(mb, db.sealer(id))
			if err != nil {
				return db.damaged("meeting "+id, err)
			}
			if c.samples > 0 && !c.first.Before(from) && c.first.Before(to) {
				spans = append(spans, span{id, c.first})
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(spans, func(a, b span) int {
		if c := a.first.Compare(b.first); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	ids := make([]string, len(spans))
	for i, s := range spans {
		ids[i] = s.id
	}
	return ids, nil
}

// Meeting returns one stored meeting's summary, or ErrNotFound.
func (db *DB) Meeting(ctx context.Context, id string) (MeetingSummary, error) {
	var s MeetingSummary
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		s, err = db.summarize(tx, id)
		return err
	})
	return s, err
}

func (db *DB) summarize(tx *bbolt.Tx, id string) (MeetingSummary, error) {
	mb, err := db.meetingBucket(tx, id)
	if err != nil {
		return MeetingSummary{}, err
	}
	s := MeetingSummary{}
	seal := db.sealer(id)
	if err := readInfo(mb, seal, &s.Meeting); err != nil {
		return s, db.damaged("meeting "+id, err)
	}
	if s.ID != id {
		return s, db.damaged("meeting "+id, fmt.Errorf("its info names meeting %q", s.ID))
	}
	c, err := readCounts(mb, seal)
	if err != nil {
		return s, db.damaged("meeting "+id, err)
	}
	s.Samples, s.Documents, s.Start, s.End = int(c.samples), int(c.documents), c.first, c.last
	participants := map[string]struct{}{}
	err = forEachSession(mb, func(key SessionKey, k []byte, v []byte) error {
		// The seal covers the key: a damaged key must not count as
		// another participant.
		if _, err := seal.open(k, v, false); err != nil {
			return fmt.Errorf("session of %q: %w", key.Participant, err)
		}
		s.Sessions++
		participants[key.Participant] = struct{}{}
		return nil
	})
	if err != nil {
		return s, db.damaged("meeting "+id, err)
	}
	s.Participants = len(participants)
	return s, nil
}

// forEachSession calls fn with each session of a meeting, in join order:
// its key decoded and raw, and its info (valid only during the call).
func forEachSession(mb *bbolt.Bucket, fn func(key SessionKey, raw, info []byte) error) error {
	sb := mb.Bucket(bucketSessions)
	if sb == nil {
		return nil
	}
	return each(sb, func(k, v []byte) error {
		key, err := parseSessionKey(k)
		if err != nil {
			return err
		}
		return fn(key, k, v)
	})
}

// readSession reads a session's info, stored under key.
func readSession(s sealer, key, v []byte, sess *Session) error {
	p, err := s.open(key, v, false)
	if err != nil {
		return err
	}
	return unmarshalJSON(p, sess)
}

// Sessions returns a meeting's sessions in join order.
func (db *DB) Sessions(ctx context.Context, meetingID string) ([]Session, error) {
	var out []Session
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return db.walk(ctx, tx, meetingID, func(s *Session) error {
			out = append(out, *s)
			return nil
		}, nil)
	})
	return out, err
}

// ForEachSample calls fn with every sample of a meeting, session by session
// in join order and in time order within a session. The Sample passed to
// fn is reused for the next call: copy what you keep.
func (db *DB) ForEachSample(ctx context.Context, meetingID string, fn func(*Session, *Sample) error) error {
	return db.Walk(ctx, meetingID, nil, fn)
}

// Walk is ForEachSample that also calls session with each session before
// its samples, so that sessions without samples are seen too. Either
// function may be nil.
func (db *DB) Walk(ctx context.Context, meetingID string, session func(*Session) error, sample func(*Session, *Sample) error) error {
	return db.view(ctx, func(tx *bbolt.Tx) error {
		return db.walk(ctx, tx, meetingID, session, sample)
	})
}

// Load returns all sessions of a meeting, samples included, in join order.
func (db *DB) Load(ctx context.Context, meetingID string) ([]SessionSamples, error) {
	var out []SessionSamples
	var arena []Value
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return db.walk(ctx, tx, meetingID,
			func(s *Session) error {
				out = append(out, SessionSamples{Session: *s})
				return nil
			},
			func(_ *Session, smp *Sample) error {
				if cap(arena)-len(arena) < len(smp.Values) {
					arena = make([]Value, 0, max(4096, len(smp.Values)))
				}
				arena = append(arena, smp.Values...)
				cur := &out[len(out)-1]
				cur.Samples = append(cur.Samples, Sample{Time: smp.Time, Values: arena[len(arena)-len(smp.Values) : len(arena) : len(arena)]})
				return nil
			})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sortSummaries orders meetings by their first sample, then by id.
func sortSummaries(s []MeetingSummary) {
	slices.SortFunc(s, func(a, b MeetingSummary) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
