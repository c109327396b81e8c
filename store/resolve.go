package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.etcd.io/bbolt"
)

// Latest is the meeting name that means the meeting that started last.
const Latest = "latest"

// Resolved is the stored meeting a name stands for.
type Resolved struct {
	ID string // the key it is stored under: an instance UUID, or what it was imported as
	// How says how the name was taken when that is not plain from it;
	// Named when the name is the stored ID or the number of a single
	// instance.
	How Taken
	// Number is the meeting number the name gave (TakenLatestInstance,
	// TakenOverCopy); Instances how many instances of it are stored.
	Number    string
	Instances int
	// About describes the meeting taken, for a person: its number and
	// instance and topic ("85012345678 (instance ...), All-hands"); Start
	// is when it started (zero when unknown), for the caller to write in
	// its zone.
	About string
	Start time.Time
}

// Taken is how a name was taken to mean a stored meeting.
type Taken int

const (
	// Named: the name is the stored ID, or the number of one instance.
	Named Taken = iota
	// TakenLatestMeeting: the name was Latest.
	TakenLatestMeeting
	// TakenLatestInstance: the name is a number with several instances
	// stored; the latest was taken.
	TakenLatestInstance
	// TakenOverCopy: the name is a number that an older zoomqos stored a
	// meeting under, and instances of it are stored since: the latest
	// instance was taken, the copy under the number left out.
	TakenOverCopy
)

// IsMeetingNumber reports whether id is a meeting number (digits only) as
// opposed to an instance UUID (base64, 24 characters ending in "==").
func IsMeetingNumber(id string) bool {
	if id == "" || len(id) > 20 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// NormalizeNumber strips the spaces and dashes people write meeting numbers
// with ("842 1483 2142", "842-1483-2142"); other names are returned as they
// are.
func NormalizeNumber(name string) string {
	n := strings.NewReplacer(" ", "", "-", "").Replace(name)
	if IsMeetingNumber(n) {
		return n
	}
	return name
}

// instance is what Resolve needs of a stored meeting.
type instance struct {
	id, number, topic string
	start             time.Time
}

// Resolve finds the stored meeting a name stands for, the one way every
// command names a meeting: an instance UUID (or whatever ID it was stored
// under), a meeting number (its instances stored; the latest when there are
// several), or "latest" (the meeting that started last). A name that
// matches nothing is ErrNotFound.
func (db *DB) Resolve(ctx context.Context, name string) (Resolved, error) {
	var all []instance
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return db.eachMeeting(tx, func(id string, mb *bbolt.Bucket) error {
			seal := db.sealer(id)
			var m Meeting
			if err := readInfo(mb, seal, &m); err != nil {
				return db.damaged("meeting "+id, err)
			}
			c, err := readCounts(mb, seal)
			if err != nil {
				return db.damaged("meeting "+id, err)
			}
			all = append(all, instance{id: id, number: cmp.Or(m.Number, numberOf(m.ID)), topic: m.Topic, start: startOf(&m, c.first)})
			return nil
		})
	})
	if err != nil {
		return Resolved{}, err
	}
	return resolve(all, name)
}

func numberOf(id string) string {
	if IsMeetingNumber(id) {
		return id
	}
	return ""
}

// startOf is when a meeting started: Zoom's start time, else its first
// sample, else when it was first stored.
func startOf(m *Meeting, first time.Time) time.Time {
	switch {
	case m.Details != nil && !m.Details.StartTime.IsZero():
		return m.Details.StartTime
	case !first.IsZero():
		return first
	}
	return m.FirstStored
}

func resolve(all []instance, name string) (Resolved, error) {
	// Latest first; the same start is ordered by id, so that the answer
	// does not depend on the order the file lists them in.
	slices.SortFunc(all, func(a, b instance) int {
		return cmp.Or(b.start.Compare(a.start), cmp.Compare(a.id, b.id))
	})
	describe := func(in instance) string {
		s := in.id
		if in.number != "" && in.number != in.id {
			s = in.number + " (instance " + in.id + ")"
		}
		if in.topic != "" {
			s += ", " + in.topic
		}
		return s
	}
	if name == Latest {
		if len(all) == 0 {
			return Resolved{}, fmt.Errorf("no meetings stored: %w", ErrNotFound)
		}
		return Resolved{ID: all[0].id, How: TakenLatestMeeting, About: describe(all[0]), Start: all[0].start}, nil
	}
	number := NormalizeNumber(name)
	var exact *instance
	var instances []instance
	for i := range all {
		if all[i].id == name {
			exact = &all[i]
		}
		if IsMeetingNumber(number) && all[i].number == number && all[i].id != number {
			instances = append(instances, all[i])
		}
	}
	switch {
	case exact != nil && len(instances) == 0:
		return Resolved{ID: exact.id}, nil
	case exact != nil:
		// Stored under its number by an older zoomqos, and as instances
		// since: the instance is the meeting, the number's copy a duplicate.
		return Resolved{ID: instances[0].id, How: TakenOverCopy, Number: number, Instances: len(instances), About: describe(instances[0]), Start: instances[0].start}, nil
	case len(instances) == 1:
		return Resolved{ID: instances[0].id}, nil
	case len(instances) > 1:
		return Resolved{ID: instances[0].id, How: TakenLatestInstance, Number: number, Instances: len(instances), About: describe(instances[0]), Start: instances[0].start}, nil
	}
	if number != name {
		for i := range all {
			if all[i].id == number {
				return Resolved{ID: number}, nil
			}
		}
	}
	return Resolved{}, fmt.Errorf("meeting %q: %w", name, ErrNotFound)
}
