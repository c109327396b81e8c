package cli

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"
)

// dateRange reads --from and --to as whole UTC days: --from is required
// (need says what for), --to defaults to today and may not come before it.
// A date that does not exist (2026-02-30) or a --from after today is named
// as such.
func (a *app) dateRange(c *cli.Context, need string) (from, to time.Time, err error) {
	return a.dateRangeIn(c, need, time.UTC)
}

// dateRangeIn is dateRange with today as it is in zone: the dates come
// back as dates (midnight UTC of that day) for the caller to place in its
// zone.
func (a *app) dateRangeIn(c *cli.Context, need string, zone *time.Location) (from, to time.Time, err error) {
	y, m, d := time.Now().In(zone).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	s := c.String("from")
	if s == "" {
		return from, to, usageError{fmt.Errorf("%s needs --from DATE (yyyy-mm-dd)", need)}
	}
	if from, err = parseDate("--from", s); err != nil {
		return from, to, err
	}
	to = today
	if s := c.String("to"); s != "" {
		if to, err = parseDate("--to", s); err != nil {
			return from, to, err
		}
		if to.Before(from) {
			return from, to, usageError{fmt.Errorf("--to %s is before --from %s", s, c.String("from"))}
		}
		return from, to, nil
	}
	if from.After(today) {
		return from, to, usageError{fmt.Errorf("--from %s is after today (%s, %s): give a past date, or --to", s, today.Format(time.DateOnly), zone)}
	}
	return from, to, nil
}

// parseDate reads a yyyy-mm-dd date, saying whether the text is not a date
// at all or a day that does not exist.
func parseDate(flag, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err == nil {
		return t, nil
	}
	var y, m, d int
	if n, _ := fmt.Sscanf(s, "%4d-%2d-%2d", &y, &m, &d); n == 3 && len(s) == len(time.DateOnly) {
		return t, usageError{fmt.Errorf("%s %s: no such day", flag, s)}
	}
	return t, usageError{fmt.Errorf("%s %q: want a date as yyyy-mm-dd", flag, s)}
}
