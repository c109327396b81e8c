package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.etcd.io/bbolt"
)

// RebuildResult says what Rebuild did to a meeting.
type RebuildResult struct {
	Documents      int // raw documents parsed
	SessionsBefore int
	SessionsAfter  int
	SamplesBefore  int
	SamplesAfter   int
}

// Parsed is what a raw document gives: sessions with samples, or Zoom's
// details of the meeting.
type Parsed struct {
	Sessions []SessionSamples
	Details  *MeetingDetails
	Alerts   []Alert
}

// Rebuild replaces a meeting's sessions and samples, and Zoom's details of
// it, with what parse makes of its raw documents, taken in the order they
// were stored (so a newer copy of a sample still replaces an older one). It
// is one write transaction: if parse fails on any document, nothing changes.
func (db *DB) Rebuild(ctx context.Context, meetingID string, parse func(RawDoc) (Parsed, error)) (RebuildResult, error) {
	var res RebuildResult
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		res = RebuildResult{}
		mb, err := db.meetingBucket(tx, meetingID)
		if err != nil {
			return err
		}
		return db.rebuild(ctx, mb, meetingID, parse, &res)
	})
	if err != nil {
		return RebuildResult{}, wrapUnlessDamage(err, "rebuild meeting %s", meetingID)
	}
	return res, nil
}

// rebuild is Rebuild within a write transaction.
func (db *DB) rebuild(ctx context.Context, mb *bbolt.Bucket, meetingID string, parse func(RawDoc) (Parsed, error), res *RebuildResult) error {
	seal := newSealer(meetingID, false)
	var info Meeting
	if err := readInfo(mb, seal, &info); err != nil {
		return db.damaged("meeting "+meetingID, err)
	}
	info.Details, info.Alerts = nil, nil
	if info.Number == "" && IsMeetingNumber(info.ID) {
		info.Number = info.ID // stored under its number by an older zoomqos
	}
	// Damaged counts are what a rebuild makes whole: read them only
	// for the report.
	before, _ := readCounts(mb, seal)
	res.SessionsBefore, res.SamplesBefore = keyCount(mb.Bucket(bucketSessions)), int(before.samples)
	for _, name := range [][]byte{bucketSessions, bucketSamples, bucketUsers} {
		if mb.Bucket(name) != nil {
			if err := mb.DeleteBucket(name); err != nil {
				return err
			}
		}
	}
	var after counts
	err := db.forEachRaw(ctx, mb, seal, meetingID, func(doc RawDoc) error {
		parsed, err := parse(doc)
		if err != nil {
			return fmt.Errorf("raw document %d (from %s): %w", doc.Seq, doc.Source, err)
		}
		enc, err := encodeSessions(seal, parsed.Sessions)
		if err != nil {
			return fmt.Errorf("raw document %d (from %s): %w", doc.Seq, doc.Source, err)
		}
		if parsed.Details != nil {
			info.applyDetails(parsed.Details)
		}
		info.addAlerts(parsed.Alerts)
		res.Documents++
		after.documents++
		return putSessions(mb, seal, enc, &PageResult{}, &after)
	})
	if err != nil {
		return err
	}
	res.SessionsAfter, res.SamplesAfter = keyCount(mb.Bucket(bucketSessions)), int(after.samples)
	if err := putInfo(mb, seal, &info); err != nil {
		return err
	}
	return after.put(mb, seal)
}

// keyCount counts a bucket's keys with a cursor, which unlike Bucket.Stats
// also sees what the current write transaction changed.
func keyCount(b *bbolt.Bucket) int {
	if b == nil {
		return 0
	}
	n := 0
	c := b.Cursor()
	var prev []byte
	for k, _ := c.First(); k != nil && rising(prev, k) == nil; k, _ = c.Next() {
		n++
		prev = k
	}
	return n
}

// memKV is a kv in memory.
type memKV map[string][]byte

func (m memKV) Get(k []byte) []byte { return m[string(k)] }

func (m memKV) Put(k, v []byte) error {
	m[string(k)] = bytes.Clone(v)
	return nil
}

func (m memKV) Delete(k []byte) error {
	delete(m, string(k))
	return nil
}

// CompareRebuild replays a meeting's raw documents through parse, in the
// order they were stored, without changing anything, and reports where what
// is stored differs from what they give: a session or sample changed,
// missing or extra. It is what Rebuild would change, and finds a stored
// value that was altered in a way its seal cannot show (a record written
// wrong). Problems are one line each, at most limit of them; count is how
// many there were.
func (db *DB) CompareRebuild(ctx context.Context, meetingID string, limit int, parse func(RawDoc) (Parsed, error)) (problems []string, count int, err error) {
	add := func(format string, a ...any) {
		count++
		if len(problems) < limit {
			problems = append(problems, fmt.Sprintf("meeting %s: ", meetingID)+fmt.Sprintf(format, a...))
		}
	}
	err = db.view(ctx, func(tx *bbolt.Tx) error {
		mb, err := db.meetingBucket(tx, meetingID)
		if err != nil {
			return err
		}
		seal := db.sealer(meetingID)
		want := memTree()
		var c counts
		err = db.forEachRaw(ctx, mb, seal, meetingID, func(doc RawDoc) error {
			parsed, err := parse(doc)
			if err != nil {
				add("raw document %d (from %s) no longer parses: %v", doc.Seq, doc.Source, err)
				return nil
			}
			enc, err := encodeSessions(newSealer(meetingID, false), parsed.Sessions)
			if err != nil {
				add("raw document %d (from %s): %v", doc.Seq, doc.Source, err)
				return nil
			}
			return mergeSessions(want, newSealer(meetingID, false), enc, &PageResult{}, &c)
		})
		if err != nil {
			return err
		}
		differ := func(what string, got, want []byte, how func() string) {
			switch {
			case got == nil:
				add("%s: in the raw documents, not stored", what)
			case want == nil:
				add("%s: stored, not in any raw document", what)
			default:
				add("%s: %s", what, how())
			}
		}
		// A schema 1 record is compared in the form migrating it gives:
		// its payload, sealed.
		sealed := newSealer(meetingID, false)
		asSealed := func(k, got []byte, formatted bool) []byte {
			if got == nil || !seal.legacy || len(got) > 0 && got[0] == sealMark {
				return got
			}
			p, err := legacyPayload(got, formatted)
			if err != nil {
				return got
			}
			return sealed.sealed(k, p)
		}
		wantSessions, wantSamples := want.sessions.(memKV), want.samples.(memKV)
		err = compareKV(mb.Bucket(bucketSessions), wantSessions, func(k, v []byte) []byte { return asSealed(k, v, false) }, func(k []byte, got, want []byte) {
			key, _ := parseSessionKey(k)
			differ(fmt.Sprintf("session of %q joined %s", key.Participant, key.JoinTime.Format(timeFormat)), got, want,
				func() string { return "stored details differ from the raw documents'" })
		})
		if err != nil {
			return err
		}
		return compareKV(mb.Bucket(bucketSamples), wantSamples, func(k, v []byte) []byte { return asSealed(k, v, true) }, func(k []byte, got, want []byte) {
			key, _ := parseSessionKey(k[:max(0, len(k)-timeKeyLen)])
			t, _ := parseTimeKey(k[max(0, len(k)-timeKeyLen):])
			differ(fmt.Sprintf("sample of %q at %s", key.Participant, t.Format(timeFormat)), got, want,
				func() string { return sampleDiff(seal, k, got, want) })
		})
	})
	return problems, count, err
}

// compareKV calls differ for every key whose value differs between a stored
// bucket (its raw, sealed values as norm gives them; nil bucket: empty) and
// want, in key order; a missing side is nil.
func compareKV(b *bbolt.Bucket, want memKV, norm func(k, v []byte) []byte, differ func(k, got, want []byte)) error {
	seen := make(map[string]bool, len(want))
	if b != nil {
		err := each(b, func(k, v []byte) error {
			v = norm(k, v)
			w, ok := want[string(k)]
			seen[string(k)] = true
			if !ok {
				differ(k, v, nil)
			} else if !bytes.Equal(v, w) {
				differ(k, v, w)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	missing := make([]string, 0)
	for k := range want {
		if !seen[k] {
			missing = append(missing, k)
		}
	}
	slices.Sort(missing)
	for _, k := range missing {
		differ([]byte(k), nil, want[k])
	}
	return nil
}

// sampleDiff says how a stored sample differs from what its raw documents
// give: "jitter_ms of audio_input is 24, the raw documents say 8".
func sampleDiff(seal sealer, k, got, want []byte) string {
	decode := func(v []byte) ([]Value, error) {
		p, err := seal.open(k, v, true)
		if err != nil {
			return nil, err
		}
		return decodeSample(nil, p)
	}
	g, err := decode(got)
	if err != nil {
		return "stored: " + err.Error()
	}
	w, _ := decode(want)
	var diffs []string
	find := func(vs []Value, st Stream, m Metric) (float64, bool) {
		for _, v := range vs {
			if v.Stream == st && v.Metric == m {
				return v.V, true
			}
		}
		return 0, false
	}
	show := func(x float64, ok bool) string {
		if !ok {
			return "absent"
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	for _, vs := range [][]Value{g, w} {
		for _, v := range vs {
			gv, gok := find(g, v.Stream, v.Metric)
			wv, wok := find(w, v.Stream, v.Metric)
			if gok == wok && (gv == wv || (gv != gv && wv != wv)) {
				continue
			}
			d := fmt.Sprintf("%s of %s is %s, the raw documents say %s", v.Metric, v.Stream, show(gv, gok), show(wv, wok))
			if !slices.Contains(diffs, d) {
				diffs = append(diffs, d)
			}
		}
	}
	if len(diffs) == 0 {
		return "stored differently from the raw documents"
	}
	return strings.Join(diffs, "; ")
}
