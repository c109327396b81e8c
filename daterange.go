package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"
)

// dateRange reads --from and --to as whole UTC days: --from is required
// (need says what for), --to defaults to today and may not come before it.
func dateRange(c *cli.Context, need string) (from, to time.Time, err error) {
	if from, err = time.Parse(time.DateOnly, c.String("from")); err != nil {
		return from, to, usageError{fmt.Errorf("%s needs --from DATE (yyyy-mm-dd)", need)}
	}
	to = time.Now().UTC().Truncate(24 * time.Hour)
	if s := c.String("to"); s != "" {
		if to, err = time.Parse(time.DateOnly, s); err != nil {
			return from, to, usageError{fmt.Errorf("--to %q: want yyyy-mm-dd", s)}
		}
	}
	if to.Before(from) {
		return from, to, usageError{errors.New("--to is before --from")}
	}
	return from, to, nil
}
