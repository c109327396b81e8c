package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// Page is what one response document holds, ready to store: the sessions it
// reports with their samples, and the document itself.
type Page struct {
	Meeting Meeting // ID and Type are required; Webinar and Topic are kept if set
	Source  string  // where the document came from, kept with the raw copy
	Raw     []byte  // the document as received; nil stores no raw copy
	// RawIfChanged keeps the raw copy only if the page changed what is
	// stored: a live poll that brought nothing new is not worth keeping.
	RawIfChanged bool
	Sessions     []SessionSamples
	// Details, when set, are Zoom's details of the meeting (the document
	// is a meeting details answer or a discovery list entry): they replace
	// the stored details, and give the meeting its topic and number.
	Details *MeetingDetails
	// Alerts are Zoom's alerts on the meeting the document holds (a
	// meeting.alert event): added to those stored.
	Alerts []Alert
}

// SessionSamples is a session and samples of it.
type SessionSamples struct {
	Session Session
	Samples []Sample
}

// PageResult says what storing a page changed.
type PageResult struct {
	Sessions    int // sessions in the page
	NewSessions int // of which the store did not have before
	Added       int // samples the store did not have
	Present     int // samples stored before with the same values
	Replaced    int // samples stored before with other values, now replaced
	// SessionsChanged counts sessions stored before whose details the page
	// changed (a leave time, a new field).
	SessionsChanged int
	DetailsChanged  bool // the meeting's details are new or differ
	RawStored       bool // the raw document was kept
}

// changed reports whether the page changed what is stored, which is when
// its raw document must be kept: rebuilding from the raw documents must
// give back what is stored.
func (r *PageResult) changed() bool {
	return r.Added+r.Replaced+r.NewSessions+r.SessionsChanged > 0 || r.DetailsChanged
}

// encodedSession is a session with its samples encoded, prepared outside the
// write transaction.
type encodedSession struct {
	key     []byte
	session *Session
	keys    [][]byte // sample keys
	times   []time.Time
	values  [][]byte
}

// PreparedPage is a page encoded and compressed, ready for PutPrepared.
// Preparing is the CPU-heavy part of storing a page and needs no
// transaction, so an importer can prepare pages on every core while one
// goroutine commits them in order.
type PreparedPage struct {
	meeting  Meeting
	details  *MeetingDetails
	alerts   []Alert
	sessions []encodedSession
	raw      *rawRecord
	rawIf    bool
	at       time.Time
}

// PreparePage validates, encodes and compresses a page; it orders each
// sample's values as the store keeps them (Sample.Normalize). It is safe to
// call from several goroutines at once, for different pages.
func (db *DB) PreparePage(p *Page) (*PreparedPage, error) {
	if err := validMeeting(&p.Meeting); err != nil {
		return nil, err
	}
	enc, err := encodeSessions(newSealer(p.Meeting.ID, false), p.Sessions)
	if err != nil {
		return nil, fmt.Errorf("meeting %s: %w", p.Meeting.ID, err)
	}
	pp := &PreparedPage{meeting: p.Meeting, details: p.Details, alerts: p.Alerts, sessions: enc, rawIf: p.RawIfChanged, at: db.now().UTC()}
	if p.Raw != nil {
		r := packRaw(p.Meeting.Type, p.Source, p.Raw, pp.at)
		pp.raw = &r
	}
	return pp, nil
}

// PutPrepared stores a prepared page in one write transaction: the
// meeting, the raw document (once, however often it is stored), the
// sessions and samples.
func (db *DB) PutPrepared(ctx context.Context, pp *PreparedPage) (PageResult, error) {
	var res PageResult
	err := db.update(ctx, func(tx *bbolt.Tx) (err error) {
		res, err = db.putPrepared(tx, pp)
		return err
	})
	if err != nil {
		return PageResult{}, wrapUnlessDamage(err, "store meeting %s", pp.meeting.ID)
	}
	return res, nil
}

// PutPreparedBatch stores prepared pages, in their order, in one write
// transaction: one sync of the file for all of them (a group commit). It
// stores all of them or, on an error, none.
func (db *DB) PutPreparedBatch(ctx context.Context, pages []*PreparedPage) ([]PageResult, error) {
	res := make([]PageResult, len(pages))
	var at string
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		for i, pp := range pages {
			r, err := db.putPrepared(tx, pp)
			if err != nil {
				at = pp.meeting.ID
				return err
			}
			res[i] = r
		}
		return nil
	})
	if err != nil {
		if at == "" {
			return nil, wrapUnlessDamage(err, "store %d pages", len(pages))
		}
		return nil, wrapUnlessDamage(err, "store meeting %s", at)
	}
	return res, nil
}

// putPrepared stores a prepared page within a write transaction.
func (db *DB) putPrepared(tx *bbolt.Tx, pp *PreparedPage) (PageResult, error) {
	var res PageResult
	s := newSealer(pp.meeting.ID, false)
	mb, before, changed, err := putMeeting(tx, s, &pp.meeting, pp.details, pp.alerts, pp.at)
	if err != nil {
		return res, err
	}
	res.DetailsChanged = changed
	c, err := readCounts(mb, s)
	if err != nil {
		return res, db.damaged("meeting "+pp.meeting.ID, err)
	}
	if err := putSessions(mb, s, pp.sessions, &res, &c); err != nil {
		return res, err
	}
	if pp.raw != nil && (!pp.rawIf || res.changed()) {
		if res.RawStored, err = putRaw(mb, s, *pp.raw, res.changed()); err != nil {
			return res, err
		}
		if res.RawStored {
			c.documents++
		}
	}
	if !before.IsZero() && res.Added+res.Replaced+res.NewSessions+res.SessionsChanged == 0 {
		if err := keepStored(mb, s, before); err != nil {
			return res, err
		}
	}
	return res, c.put(mb, s)
}

// PutPage prepares and stores a page: see PreparePage and PutPrepared.
func (db *DB) PutPage(ctx context.Context, p *Page) (PageResult, error) {
	pp, err := db.PreparePage(p)
	if err != nil {
		return PageResult{}, err
	}
	return db.PutPrepared(ctx, pp)
}

func validMeeting(m *Meeting) error {
	if err := ValidMeetingID(m.ID); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if m.Type != Past && m.Type != Live {
		return fmt.Errorf("store: meeting type %q is neither %q nor %q", m.Type, Past, Live)
	}
	return nil
}

func encodeSessions(seal sealer, in []SessionSamples) ([]encodedSession, error) {
	out := make([]encodedSession, len(in))
	var buf []byte
	for i := range in {
		s := &in[i].Session
		if !representable(s.JoinTime) || !representable(s.LeaveTime) {
			return nil, fmt.Errorf("participant %s: join or leave time out of range", s.Participant)
		}
		if len(s.Participant) > maxParticipant {
			return nil, fmt.Errorf("participant id of %d bytes: longer than %d", len(s.Participant), maxParticipant)
		}
		n := len(in[i].Samples)
		e := encodedSession{key: sessionKey(s.Key()), session: s,
			keys: make([][]byte, n), times: make([]time.Time, n), values: make([][]byte, n)}
		for j := range in[i].Samples {
			smp := &in[i].Samples[j]
			if smp.Time.IsZero() || !representable(smp.Time) {
				return nil, fmt.Errorf("participant %s: sample time %s out of range", s.Participant, smp.Time)
			}
			smp.Normalize()
			body, err := appendSample(buf[:0], smp.Values)
			if err != nil {
				return nil, fmt.Errorf("participant %s at %s: %w", s.Participant, smp.Time.UTC().Format(timeFormat), err)
			}
			buf = body
			k := sampleKey(e.key, smp.Time)
			e.keys[j], e.times[j], e.values[j] = k, smp.Time, seal.sealed(k, body)
		}
		out[i] = e
	}
	return out, nil
}

// putSessions writes encoded sessions and their samples into a meeting's
// bucket, updating its counts.
func putSessions(mb *bbolt.Bucket, seal sealer, enc []encodedSession, res *PageResult, c *counts) error {
	t, err := bucketTree(mb)
	if err != nil {
		return err
	}
	return mergeSessions(t, seal, enc, res, c)
}

// mergeSessions stores encoded sessions and their samples: a session's
// details merge with what was stored, a sample replaces an older copy; a
// session made from pushed events finds its place by user_id (users.go).
func mergeSessions(t *tree, seal sealer, enc []encodedSession, res *PageResult, c *counts) error {
	sb, samples := t.sessions, t.samples
	for i := range enc {
		e := &enc[i]
		res.Sessions++
		adopted, err := t.placeSession(seal, e, c)
		if err != nil {
			return fmt.Errorf("session %s: %w", e.session.Participant, err)
		}
		merged := *e.session
		var before []byte
		if old := sb.Get(e.key); old == nil {
			if adopted {
				res.SessionsChanged++ // a pushed session, now under the API's key
			} else {
				res.NewSessions++
			}
		} else {
			p, err := seal.open(e.key, old, false)
			if err != nil {
				return fmt.Errorf("session %s: %w", e.session.Participant, err)
			}
			var prev Session
			if err := unmarshalJSON(p, &prev); err != nil {
				return fmt.Errorf("session %s: %w", e.session.Participant, err)
			}
			prev.merge(e.session)
			merged, before = prev, p
		}
		info, err := marshalJSON(&merged)
		if err != nil {
			return err
		}
		if before != nil && !bytes.Equal(before, info) {
			res.SessionsChanged++
		}
		if err := sb.Put(e.key, seal.sealed(e.key, info)); err != nil {
			return err
		}
		for j, k := range e.keys {
			old := samples.Get(k)
			switch {
			case old == nil:
				res.Added++
				c.samples++
				c.saw(e.times[j])
			case bytes.Equal(old, e.values[j]):
				res.Present++
				continue
			default:
				res.Replaced++
			}
			if err := samples.Put(k, e.values[j]); err != nil {
				return err
			}
		}
	}
	return nil
}
