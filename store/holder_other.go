//go:build !linux

package store

// holderOf cannot tell which process holds the file here.
func holderOf(string) (who string, writing bool) { return "", false }
