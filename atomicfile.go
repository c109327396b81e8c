package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeFileAtomic writes a file through a temporary one beside it, so that
// a failed or interrupted write never leaves a half file under the name.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	f, err := createAtomic(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.abort()
		return err
	}
	return f.commit()
}

// atomicFile is a file written under a temporary name beside its own and
// renamed into place by commit.
type atomicFile struct {
	*os.File
	path   string
	closed bool
}

// createAtomic starts a file that commit renames to path.
func createAtomic(path string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &atomicFile{File: f, path: path}, nil
}

// Close closes the temporary file, readable by others as a file written
// with os.Create would be (a report is made to be shared).
func (f *atomicFile) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	if err := f.File.Chmod(0o644); err != nil {
		f.File.Close()
		return err
	}
	return f.File.Close()
}

// commit closes the file and renames it into place.
func (f *atomicFile) commit() error {
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	if err := os.Rename(f.Name(), f.path); err != nil {
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	return nil
}

// abort drops the file; after commit it is a no-op but for the close.
func (f *atomicFile) abort() {
	f.Close()
	os.Remove(f.Name())
}
