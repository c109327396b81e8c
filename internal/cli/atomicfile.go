package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Output files (reports, e-mails, dumps, exports, backups) are written under
// a temporary name beside their own and renamed into place when complete,
// so that a failed or interrupted write never leaves half a file under the
// name. The temporary name is ".NAME.zoomqos-tmp-RANDOM"; the writer holds
// a lock on it while it writes (atomicfile_unix.go), so that a later run
// can tell a temporary that a killed process left behind from one being
// written now, and removes the former from the directories it writes to.
const tmpMarker = ".zoomqos-tmp-"

// output is where a command writes a file: the path the user gave (a
// directory there means defaultName inside it) and the mode the file gets.
type output struct {
	path        string
	mode        os.FileMode
	defaultName string
	db          string // the database: never written over
	flag        string // the flag that named path, for messages; "" is -o
}

// resolve returns the file's path: the path given, or defaultName inside
// it when it is a directory.
func (o output) resolve() string {
	if fi, err := os.Stat(o.path); err == nil && fi.IsDir() && o.defaultName != "" {
		return filepath.Join(o.path, o.defaultName)
	}
	return o.path
}

// write writes the file through a temporary one, see above.
func (o output) write(fn func(io.Writer) error) (path string, err error) {
	f, err := o.create()
	if err != nil {
		return o.path, err
	}
	if err := fn(f); err != nil {
		f.abort()
		return f.path, err
	}
	return f.path, f.commit()
}

// atomicFile is a file written under a temporary name beside its own and
// renamed into place by commit.
type atomicFile struct {
	f      *os.File
	path   string
	mode   os.FileMode
	closed bool
}

// create starts the file; commit renames it into place. It removes the
// temporaries that killed runs left in the directory first.
func (o output) create() (*atomicFile, error) {
	path := o.resolve()
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("write %s: it is a directory", path)
	}
	if o.db != "" && sameFile(path, o.db) {
		flag := o.flag
		if flag == "" {
			flag = "-o"
		}
		return nil, usageError{fmt.Errorf("%s %s is the database itself: choose another name", flag, o.path)}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, base)
	f, err := os.CreateTemp(dir, "."+base+tmpMarker+"*")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// The directory to write in is missing: say which.
			return nil, fmt.Errorf("write %s: there is no directory %s", o.path, filepath.Clean(dir))
		}
		return nil, fmt.Errorf("write %s: %w", path, unwrapPath(err))
	}
	if err := lockFile(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	mode := o.mode
	if mode == 0 {
		mode = 0o600
	}
	return &atomicFile{f: f, path: path, mode: mode}, nil
}

// Write writes to the temporary file; its errors name the file's own path.
func (a *atomicFile) Write(p []byte) (int, error) {
	n, err := a.f.Write(p)
	if err != nil {
		err = fmt.Errorf("write %s: %w", a.path, unwrapPath(err))
	}
	return n, err
}

// Close is a no-op: commit or abort ends the file (an export's writers
// close what they were given).
func (a *atomicFile) Close() error { return nil }

// commit flushes the file to disk, gives it its mode and renames it into
// place; on failure it removes it.
func (a *atomicFile) commit() error {
	if err := a.finish(); err != nil {
		return err
	}
	return a.place()
}

// finish flushes the file to disk, gives it its mode and closes it, still
// under its temporary name (tempName), so that it can be checked before
// place puts it where a good one may be; on failure it removes it.
func (a *atomicFile) finish() error {
	err := a.f.Sync()
	if err == nil {
		err = a.f.Chmod(a.mode)
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	a.closed = true
	if err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w", a.path, unwrapPath(err))
	}
	return nil
}

// tempName is the file's temporary name.
func (a *atomicFile) tempName() string { return a.f.Name() }

// place renames a finished file into place; on failure it removes it.
func (a *atomicFile) place() error {
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w", a.path, unwrapPath(err))
	}
	return nil
}

// abort drops the file.
func (a *atomicFile) abort() {
	if !a.closed {
		a.f.Close()
		a.closed = true
	}
	os.Remove(a.f.Name())
}

// unwrapPath takes the temporary file's name out of an error, so that
// messages name only the user's path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// removeStale removes the temporaries of base that no running zoomqos
// holds, and those of every other name in dir, which killed runs left
// behind. Older zoomqos named them ".NAME.DIGITS" and held no lock: those
// of base go too.
func removeStale(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, ".") {
			continue
		}
		switch {
		case strings.Contains(name, tmpMarker):
			removeIfUnlocked(filepath.Join(dir, name))
		case legacyTemp(name, base):
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// legacyTemp reports whether name is how zoomqos up to 2026-11 named a
// temporary of base: "." + base + "." + a random number.
func legacyTemp(name, base string) bool {
	rest, ok := strings.CutPrefix(name, "."+base+".")
	if !ok || len(rest) < 6 {
		return false
	}
	for _, r := range rest {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// sameFile reports whether two paths name the same existing file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// dirMode is the mode of directories made for files of mode m: searchable
// by whoever may read the files.
func dirMode(m os.FileMode) os.FileMode {
	return m | (m&0o444)>>2
}
