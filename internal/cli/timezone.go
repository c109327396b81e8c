package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // the zones, for machines without /usr/share/zoneinfo (Windows, scratch containers)

	"github.com/urfave/cli/v2"
)

// errUnknownZone is a --tz (or ZOOMQOS_TZ) that names no zone.
var errUnknownZone = errors.New("unknown time zone (want an IANA name such as Europe/Berlin, or UTC)")

// location reads --tz (or ZOOMQOS_TZ): the zone reports, e-mails and
// tables show times in; the machine's when none is set.
func (a *app) location(c *cli.Context) (*time.Location, error) {
	v, ok, err := a.value(c, "ZOOMQOS_TZ")
	if err != nil {
		return nil, err
	}
	if !ok {
		return machineZone(), nil
	}
	loc, err := loadZone(v)
	if err != nil {
		from := "--tz"
		if !onCommandLine(c, "tz") {
			from = "ZOOMQOS_TZ"
		}
		return nil, usageError{fmt.Errorf("%s %q: %w", from, v, err)}
	}
	return loc, nil
}

// checkZone is the check of ZOOMQOS_TZ in the config file.
func checkZone(v string) error {
	_, err := loadZone(v)
	return err
}

// loadZone finds a zone by its IANA name, "UTC" or "Local" (the
// machine's).
func loadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return nil, errUnknownZone
	case strings.EqualFold(name, "local"):
		return machineZone(), nil
	case isUTCName(name):
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, errUnknownZone
	}
	return loc, nil
}

// isUTCName reports whether a zone name means UTC, so that the zone is
// named "UTC" whatever the machine calls it (Debian's Etc/UTC).
func isUTCName(name string) bool {
	switch strings.ToUpper(name) {
	case "UTC", "ETC/UTC", "UCT", "ETC/UCT", "ZULU", "ETC/ZULU", "UNIVERSAL", "ETC/UNIVERSAL":
		return true
	}
	return false
}

// machineZone is the machine's zone (time.Local), by its IANA name when
// that can be known: from TZ, else from where /etc/localtime points. Go
// reads the same two places for time.Local. Where neither names it (a copy
// of the zone file, Windows) it is time.Local, named "Local".
func machineZone() *time.Location {
	path := "/etc/localtime"
	if tz, ok := os.LookupEnv("TZ"); ok {
		tz = strings.TrimPrefix(tz, ":")
		switch {
		case tz == "" || isUTCName(tz):
			return time.UTC
		case !filepath.IsAbs(tz):
			if loc, err := time.LoadLocation(tz); err == nil {
				return loc
			}
			return time.Local
		}
		path = tz
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return time.Local
	}
	if _, name, ok := strings.Cut(filepath.ToSlash(target), "/zoneinfo/"); ok {
		if isUTCName(name) {
			return time.UTC
		}
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.Local
}
