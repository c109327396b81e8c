package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"time"

	"go.etcd.io/bbolt"
)

// CheckReport is what Check found.
type CheckReport struct {
	Path      string
	Schema    uint32
	Size      int64 // bytes
	Pages     int   // bbolt's high-water mark
	Meetings  int
	Sessions  int
	Samples   int
	Documents int
	// Problems are the first problems found, each one line naming the
	// meeting and record; Count is how many there were in all.
	Problems []string
	Count    int
	// Damaged lists the meetings with a problem; Rebuildable those of
	// them whose info and raw documents are sound, so that Rebuild (zoomqos
	// reparse) makes their sessions, samples and counts whole again.
	Damaged, Rebuildable []string
}

// OK reports whether nothing is wrong.
func (r *CheckReport) OK() bool { return r.Count == 0 }

// maxProblems bounds the problems a report lists.
const maxProblems = 100

func (r *CheckReport) add(format string, a ...any) {
	r.Count++
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, a...))
	}
}

// checkStructure checks the file's B-tree (structure.go) and returns its
// first finding, with how many more there were, as a one-line error.
func checkStructure(path string) error {
	problems, n, err := checkFile(path, 1, false)
	switch {
	case err != nil:
		return err
	case n > 1:
		return fmt.Errorf("%s (and %s more)", problems[0], howMany(n-1, "problem"))
	case n == 1:
		return errors.New(problems[0])
	}
	return nil
}

// Check reads the whole file and reports what is wrong with it: bbolt's
// consistency check, then zoomqos's own invariants, meeting by meeting (the
// meetings given, or all): every record's seal, every meeting's info and
// counts (samples, documents, first and last sample) against what it holds,
// every session's info against its key, every sample belonging to a stored
// session and decoding, every raw document decompressing to the SHA-256 its
// sum entry names and back. Damage is reported, not returned; the error is
// for a check that could not run (a canceled context).
func (db *DB) Check(ctx context.Context, meetingIDs []string) (*CheckReport, error) {
	r := &CheckReport{Path: db.path, Schema: db.schema.Load()}
	b, release, err := db.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	r.Size = db.mapLen
	err = db.view(ctx, func(tx *bbolt.Tx) error {
		r.Pages = int(tx.Size() / int64(b.Info().PageSize))
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
		r.add("%v", err)
		return r, nil
	}
	if err := db.checkBolt(b, r); err != nil {
		return r, err
	}
	listed := meetingIDs == nil
	if listed {
		err := db.view(ctx, func(tx *bbolt.Tx) error {
			all, err := db.meetings(tx)
			if err != nil {
				return err
			}
			return each(all, func(k, v []byte) error {
				if v != nil {
					r.add("meetings: a value where only meeting buckets belong (key %q)", clipKey(k))
					return nil
				}
				meetingIDs = append(meetingIDs, string(k))
				return nil
			})
		})
		if ctx.Err() != nil {
			return r, ctx.Err() // an interruption is not damage
		}
		if err != nil {
			r.add("listing the meetings: %v", err)
			return r, nil
		}
	}
	for _, id := range meetingIDs {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		err := db.view(ctx, func(tx *bbolt.Tx) error {
			mb, err := db.meetingBucket(tx, id)
			if err != nil {
				return err
			}
			r.Meetings++
			mc := meetingCheck{db: db, id: id, mb: mb, seal: db.sealer(id), r: r}
			mc.run(ctx)
			return nil
		})
		if ctx.Err() != nil {
			// What the meeting's check found after the interruption
			// (counts short of the samples it did not get to) is not
			// damage: the check did not finish.
			return r, ctx.Err()
		}
		switch {
		case errors.Is(err, ErrNotFound) && listed:
			r.add("meeting %q is listed but cannot be found by its name (a damaged page)", id)
		case errors.Is(err, ErrNotFound):
			return r, err
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return r, err
		case err != nil:
			r.add("meeting %s: %v", id, err)
		}
	}
	return r, nil
}

// checkBolt checks the B-tree and looks at the meta bucket.
func (db *DB) checkBolt(b *bbolt.DB, r *CheckReport) (err error) {
	problems, n, err := checkFile(db.path, maxProblems, true)
	if err != nil {
		r.add("%v", err)
		return nil
	}
	for _, p := range problems {
		r.add("structure: %s", p)
	}
	r.Count += n - len(problems)
	defer func() {
		if p := recover(); p != nil {
			r.add("the meta bucket: reading failed: %v", p)
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return b.View(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		switch {
		case meta == nil:
			r.add("meta bucket missing")
		case !bytes.Equal(meta.Get(keyApp), appName):
			r.add("meta: the zoomqos marker is damaged")
		case len(meta.Get(keySchema)) != 4:
			r.add("meta: the schema version is damaged")
		}
		return tx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
			if !bytes.Equal(name, bucketMeta) && !bytes.Equal(name, bucketMeetings) {
				r.add("an unknown bucket %q at the top of the file", clipKey(name))
			}
			return nil
		})
	})
}

// meetingCheck checks one meeting's bucket.
type meetingCheck struct {
	db   *DB
	id   string
	mb   *bbolt.Bucket
	seal sealer
	r    *CheckReport
	// rebuilt says whether what is being checked is what Rebuild makes
	// anew from the raw documents (sessions, samples, counts); found
	// counts the problems in it and in the rest.
	rebuilt bool
	found   [2]int
}

// clipKey is at most the first 32 bytes of a key, for a message: a
// damaged page can give bbolt a key megabytes long, and a hundred of them
// formatted took memory by the gigabyte.
func clipKey(k []byte) []byte {
	if len(k) > 32 {
		return k[:32]
	}
	return k
}

func (m *meetingCheck) add(format string, a ...any) {
	if m.rebuilt {
		m.found[1]++
	} else {
		m.found[0]++
	}
	if len(m.r.Problems) >= maxProblems {
		m.r.Count++ // only counted: no need to format it
		return
	}
	m.r.add("meeting %s: %s", m.id, fmt.Sprintf(format, a...))
}

func (m *meetingCheck) run(ctx context.Context) {
	defer func() {
		if p := recover(); p != nil {
			m.rebuilt = false
			m.add("%s", damagedPage(p))
		}
		m.sum()
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))

	var info Meeting
	if err := readInfo(m.mb, m.seal, &info); err != nil {
		m.add("%v", err)
	} else if info.ID != m.id {
		m.add("its info names meeting %q", info.ID)
	}
	m.rebuilt = true
	c, countsErr := readCounts(m.mb, m.seal)
	m.rebuilt = false
	if countsErr != nil {
		m.add("%v", countsErr)
	}
	err := each(m.mb, func(k, v []byte) error {
		switch {
		case v == nil && (bytes.Equal(k, bucketSessions) || bytes.Equal(k, bucketSamples) ||
			bytes.Equal(k, bucketRaw) || bytes.Equal(k, bucketRawSum) || bytes.Equal(k, bucketUsers)):
		case v != nil && (bytes.Equal(k, keyInfo) || bytes.Equal(k, keyCounts)):
		default:
			m.add("an unknown key %q", clipKey(k))
		}
		return nil
	})
	if err != nil {
		m.add("%v", err)
	}
	m.rebuilt = true
	sessions := m.sessions()
	m.users(sessions)
	samples, first, last := m.samples(ctx, sessions)
	m.rebuilt = false
	docs := m.raw()
	m.rebuilt = true
	m.r.Sessions += len(sessions)
	m.r.Samples += samples
	m.r.Documents += docs
	if countsErr != nil {
		return
	}
	if uint64(samples) != c.samples {
		m.add("its counts say %d samples, it holds %d", c.samples, samples)
	}
	if uint64(docs) != c.documents {
		m.add("its counts say %d raw documents, it holds %d", c.documents, docs)
	}
	if samples > 0 && (!first.Equal(c.first) || !last.Equal(c.last)) {
		m.add("its counts say the samples span %s to %s, they span %s to %s",
			c.first.Format(timeFormat), c.last.Format(timeFormat), first.Format(timeFormat), last.Format(timeFormat))
	}
}

// sum notes the meeting in the report's lists of damaged and rebuildable
// meetings.
func (m *meetingCheck) sum() {
	if m.found[0]+m.found[1] == 0 {
		return
	}
	m.r.Damaged = append(m.r.Damaged, m.id)
	if m.found[0] == 0 {
		m.r.Rebuildable = append(m.r.Rebuildable, m.id)
	}
}

// sessions checks the sessions and returns their keys.
func (m *meetingCheck) sessions() map[string]bool {
	keys := map[string]bool{}
	sb := m.mb.Bucket(bucketSessions)
	if sb == nil {
		return keys
	}
	err := each(sb, func(k, v []byte) error {
		key, err := parseSessionKey(k)
		if err != nil {
			m.add("session key %x: %v", clipKey(k), err)
			return nil
		}
		keys[string(k)] = true
		var s Session
		if err := readSession(m.seal, k, v, &s); err != nil {
			m.add("session of %q joined %s: %v", key.Participant, key.JoinTime.Format(timeFormat), err)
			return nil
		}
		// The info's JSON holds each invalid UTF-8 byte of the key's
		// participant as U+FFFD, as string([]rune(...)) makes it.
		if s.Participant != string([]rune(key.Participant)) || !s.JoinTime.Equal(key.JoinTime) {
			m.add("session of %q joined %s: its info says %q joined %s", key.Participant,
				key.JoinTime.Format(timeFormat), s.Participant, s.JoinTime.Format(timeFormat))
		}
		return nil
	})
	if err != nil {
		m.add("sessions: %v", err)
	}
	return keys
}

// users checks the users bucket (users.go): every record's seal holds and
// names a stored session.
func (m *meetingCheck) users(sessions map[string]bool) {
	ub := m.mb.Bucket(bucketUsers)
	if ub == nil {
		return
	}
	us := usersSealer(m.seal)
	err := each(ub, func(k, v []byte) error {
		key, err := us.open(k, v, false)
		switch {
		case err != nil:
			m.add("user %q: %v", clipKey(k), err)
		case !sessions[string(key)]:
			m.add("user %q: names a session that is not stored", clipKey(k))
		}
		return nil
	})
	if err != nil {
		m.add("users: %v", err)
	}
}

// samples checks every sample: its session is stored, its seal holds and
// its values decode. It returns how many there are and their span.
func (m *meetingCheck) samples(ctx context.Context, sessions map[string]bool) (n int, first, last time.Time) {
	sb := m.mb.Bucket(bucketSamples)
	if sb == nil {
		return 0, first, last
	}
	var values []Value
	err := each(sb, func(k, v []byte) error {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		n++
		if len(k) < timeKeyLen+2+timeKeyLen {
			m.add("sample key %x is too short", clipKey(k))
			return nil
		}
		prefix, tk := k[:len(k)-timeKeyLen], k[len(k)-timeKeyLen:]
		t, _ := parseTimeKey(tk)
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
		sk, err := parseSessionKey(prefix)
		if err != nil {
			m.add("sample key %x: %v", clipKey(k), err)
			return nil
		}
		what := fmt.Sprintf("sample of %q at %s", sk.Participant, t.Format(timeFormat))
		if !sessions[string(prefix)] {
			m.add("%s: no such session (joined %s)", what, sk.JoinTime.Format(timeFormat))
		}
		if len(v) > maxSampleRecord {
			m.add("%s: a record of %d bytes, more than any sample takes", what, len(v))
			return nil
		}
		body, err := m.seal.open(k, v, true)
		if err == nil {
			values, err = decodeSample(values[:0], body)
		}
		if err != nil {
			m.add("%s: %v", what, err)
		}
		return nil
	})
	if err != nil && ctx.Err() == nil {
		m.add("samples: %v", err)
	}
	return n, first, last
}

// raw checks the raw documents against their sums, both ways, and returns
// how many there are.
func (m *meetingCheck) raw() int {
	sums := map[[sha256.Size]byte]uint64{} // of each document read, its latest seq
	n := 0
	if rb := m.mb.Bucket(bucketRaw); rb != nil {
		err := each(rb, func(k, v []byte) error {
			n++
			if len(k) != 8 {
				m.add("raw document key %x is not a sequence number", clipKey(k))
				return nil
			}
			seq := binary.BigEndian.Uint64(k)
			p, err := m.seal.open(k, v, true)
			var d RawDoc
			if err == nil {
				d, err = unpackRaw(seq, p)
			}
			if err != nil {
				m.add("raw document %d: %v", seq, err)
				return nil
			}
			sums[sha256.Sum256(d.Data)] = seq
			return nil
		})
		if err != nil {
			m.add("raw documents: %v", err)
		}
	}
	listed := map[[sha256.Size]byte]bool{}
	if sb := m.mb.Bucket(bucketRawSum); sb != nil {
		err := each(sb, func(k, v []byte) error {
			if len(k) != sha256.Size {
				m.add("raw document sum key %x is not a SHA-256", clipKey(k))
				return nil
			}
			p, err := m.seal.open(k, v, false)
			if err == nil && len(p) != 8 {
				err = fmt.Errorf("%d bytes, want 8", len(p))
			}
			if err != nil {
				m.add("raw document sum %x: %v", k[:8], err)
				return nil
			}
			sum := [sha256.Size]byte(k)
			listed[sum] = true
			seq := binary.BigEndian.Uint64(p)
			if got, ok := sums[sum]; !ok || got != seq {
				m.add("raw document sum %x names document %d, which does not hold that document", k[:8], seq)
			}
			return nil
		})
		if err != nil {
			m.add("raw document sums: %v", err)
		}
	}
	var unlisted []uint64
	for sum, seq := range sums {
		if !listed[sum] {
			unlisted = append(unlisted, seq)
		}
	}
	slices.Sort(unlisted)
	for _, seq := range unlisted {
		m.add("raw document %d has no sum entry", seq)
	}
	return n
}
