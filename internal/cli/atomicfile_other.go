//go:build !unix

package cli

import (
	"os"
	"time"
)

// lockFile does nothing where flock is not known; see atomicfile_unix.go.
func lockFile(*os.File) error { return nil }

// removeIfUnlocked removes a temporary older than a day: no lock tells
// here whether it is still being written.
func removeIfUnlocked(path string) {
	if fi, err := os.Stat(path); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
		os.Remove(path)
	}
}
