package store

import "errors"

// Errors callers branch on. Each is returned wrapped in a message that names
// the database file.
var (
	// ErrLocked: another process held the database for longer than the
	// lock timeout.
	ErrLocked = errors.New("in use by another process")
	// ErrNotDatabase: the file is not a zoomqos database, or is damaged.
	ErrNotDatabase = errors.New("not a zoomqos database, or damaged")
	// ErrNewerSchema: the database was written by a newer zoomqos.
	ErrNewerSchema = errors.New("written by a newer zoomqos")
	// ErrNoDatabase: a read-only open found no file.
	ErrNoDatabase = errors.New("no database")
	// ErrNotFound: the meeting is not in the database.
	ErrNotFound = errors.New("not found")
	// ErrReadOnly: a write was attempted on a database opened read-only.
	ErrReadOnly = errors.New("database opened read-only")
)

// recordError is a stored record that does not read back as written (a
// checksum that does not match, JSON that does not parse): damage, which
// view and update turn into ErrNotDatabase naming the file.
type recordError struct{ err error }

func (e recordError) Error() string { return e.err.Error() }
func (e recordError) Unwrap() error { return e.err }
