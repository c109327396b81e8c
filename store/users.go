package store

import (
	"bytes"
	"fmt"
	"slices"

	"go.etcd.io/bbolt"
)

// Zoom's pushed events (QoS Subscription webhooks and WebSocket messages)
// name a participant by its per-meeting user_id, without the join time and
// participant id that key a session from the QoS API. A session made from
// events is stored as pushed, under the key the event gives (its user_id,
// and its join time when the event has one), and the meeting's users
// bucket maps each user_id to the key of the session it was last seen in:
//
//	users/
//	    <user_id> -> session key (sealed)
//
// The bucket exists only in meetings that events reached. Two rules keep
// one session per join whichever source comes first:
//
//   - an event's session goes to the session its user_id maps to, when
//     there is one (a session the QoS API stored, or an earlier event's);
//   - a session from the QoS API whose user_id maps to a pushed session
//     under another key takes that session over: its samples move under
//     the API's key (a sample both have keeps the API's copy), its fields
//     merge, and the pushed session is gone.
//
// Rebuilding from the raw documents in their order gives the same result.

var bucketUsers = []byte("users")

// tree is where mergeSessions keeps a meeting's sessions, samples and
// users: bbolt buckets, or maps when the raw documents are replayed to
// compare (CompareRebuild).
type tree struct {
	sessions, samples kv
	users             kv                 // nil until a pushed session needs it
	newUsers          func() (kv, error) // creates users
}

// kv is a bbolt bucket or a memKV.
type kv interface {
	Get(k []byte) []byte
	Put(k, v []byte) error
	Delete(k []byte) error
}

// bucketTree is the tree of a meeting's bucket in a write transaction.
func bucketTree(mb *bbolt.Bucket) (*tree, error) {
	sb, err := mb.CreateBucketIfNotExists(bucketSessions)
	if err != nil {
		return nil, err
	}
	samples, err := mb.CreateBucketIfNotExists(bucketSamples)
	if err != nil {
		return nil, err
	}
	samples.FillPercent = 0.9 // samples mostly arrive in key order
	t := &tree{sessions: sb, samples: samples}
	if ub := mb.Bucket(bucketUsers); ub != nil {
		t.users = ub
	}
	t.newUsers = func() (kv, error) { return mb.CreateBucket(bucketUsers) }
	return t, nil
}

// memTree is a tree in memory.
func memTree() *tree {
	t := &tree{sessions: memKV{}, samples: memKV{}}
	t.newUsers = func() (kv, error) { return memKV{}, nil }
	return t
}

// scanPrefix calls fn with every key of b that begins with prefix, and its
// value, in key order; fn may not change b.
func scanPrefix(b kv, prefix []byte, fn func(k, v []byte) error) error {
	switch b := b.(type) {
	case *bbolt.Bucket:
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if err := fn(k, v); err != nil {
				return err
			}
		}
		return nil
	case memKV:
		var keys []string
		for k := range b {
			if len(k) >= len(prefix) && k[:len(prefix)] == string(prefix) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			if err := fn([]byte(k), b[k]); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("store: cannot scan a %T", b)
}

// usersSealer seals the users bucket's records.
func usersSealer(seal sealer) sealer { return seal.under(bucketUsers) }

// userIndex returns the users bucket, building it from the stored sessions
// the first time a pushed session reaches the meeting.
func (t *tree) userIndex(seal sealer) (kv, error) {
	if t.users != nil {
		return t.users, nil
	}
	u, err := t.newUsers()
	if err != nil {
		return nil, fmt.Errorf("users bucket: %w", err)
	}
	us := usersSealer(seal)
	err = scanPrefix(t.sessions, nil, func(k, v []byte) error {
		var s Session
		if err := readSession(seal, k, v, &s); err != nil {
			return err
		}
		if s.UserID == "" {
			return nil
		}
		// Sessions list in join order: the last one of a user_id wins.
		return u.Put([]byte(s.UserID), us.sealed([]byte(s.UserID), k))
	})
	if err != nil {
		return nil, err
	}
	t.users = u
	return u, nil
}

// userSession returns the session key a user_id maps to, or nil.
func userSession(users kv, seal sealer, userID string) ([]byte, error) {
	v := users.Get([]byte(userID))
	if v == nil {
		return nil, nil
	}
	k, err := usersSealer(seal).open([]byte(userID), v, false)
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", userID, recordError{err})
	}
	return bytes.Clone(k), nil
}

// placeSession decides under which key a session is stored, following the
// rules above: it moves e to the key its user_id maps to (a pushed
// session), or moves a pushed session over to e's key (a session from the
// API). It keeps the users bucket up to date.
// It reports whether e took a pushed session over: e's key is new, but
// the session is not.
func (t *tree) placeSession(seal sealer, e *encodedSession, c *counts) (adopted bool, err error) {
	uid := e.session.UserID
	if uid == "" || (t.users == nil && !e.session.Pushed) {
		return false, nil
	}
	users, err := t.userIndex(seal)
	if err != nil {
		return false, err
	}
	at, err := userSession(users, seal, uid)
	if err != nil {
		return false, err
	}
	switch {
	case at == nil || bytes.Equal(at, e.key):
	case e.session.Pushed:
		return false, e.rekey(seal, at)
	default:
		if adopted, err = t.adopt(seal, at, e, c); err != nil {
			return false, err
		}
	}
	return adopted, users.Put([]byte(uid), usersSealer(seal).sealed([]byte(uid), e.key))
}

// rekey moves an encoded session, with its samples, under another key.
func (e *encodedSession) rekey(seal sealer, key []byte) error {
	parsed, err := parseSessionKey(key)
	if err != nil {
		return err
	}
	s := *e.session
	s.Participant, s.JoinTime = parsed.Participant, parsed.JoinTime
	for j, old := range e.keys {
		p, err := seal.open(old, e.values[j], true)
		if err != nil {
			return err
		}
		k := sampleKey(key, e.times[j])
		e.keys[j], e.values[j] = k, seal.sealed(k, p)
	}
	e.key, e.session = key, &s
	return nil
}

// adopt lets e, a session from the API, take over the pushed session at
// key from: its fields merge under e's, and its samples move to e's key
// unless e's key has a sample of that time already.
func (t *tree) adopt(seal sealer, from []byte, e *encodedSession, c *counts) (bool, error) {
	v := t.sessions.Get(from)
	if v == nil {
		return false, nil
	}
	var prev Session
	if err := readSession(seal, from, v, &prev); err != nil {
		return false, err
	}
	if !prev.Pushed {
		return false, nil // another join of the same user_id, from the API too
	}
	type move struct{ from, to, value []byte }
	var moves []move
	err := scanPrefix(t.samples, from, func(k, v []byte) error {
		if len(k) != len(from)+timeKeyLen {
			return nil
		}
		p, err := seal.open(k, v, true)
		if err != nil {
			return err
		}
		to := append(bytes.Clone(e.key), k[len(from):]...)
		moves = append(moves, move{bytes.Clone(k), to, seal.sealed(to, p)})
		return nil
	})
	if err != nil {
		return false, err
	}
	for _, m := range moves {
		if err := t.samples.Delete(m.from); err != nil {
			return false, err
		}
		if t.samples.Get(m.to) != nil {
			c.samples--
			continue
		}
		if err := t.samples.Put(m.to, m.value); err != nil {
			return false, err
		}
	}
	if err := t.sessions.Delete(from); err != nil {
		return false, err
	}
	prev.merge(e.session)
	prev.Participant, prev.JoinTime, prev.Pushed = e.session.Participant, e.session.JoinTime, false
	e.session = &prev
	return true, nil
}
