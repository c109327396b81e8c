package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/collect"
	"github.com/zoomqos/zoomqos/store"
)

func checkCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:  "check",
		Usage: "check the database before trusting it: its B-tree, every record's checksum, the counts, and the samples against their raw responses",
		Description: `Reads the whole database and reports what is wrong with it, changing
nothing:

  - the B-tree: every page in use or free, once; keys in order; nothing
    past the end of the file (what bbolt's own check does, read without
    the memory map, so that no damage can crash it);
  - every record's checksum: samples, sessions, meetings, counts, raw
    responses (a flipped bit anywhere in them is found);
  - each meeting's counts of samples and raw responses, and its first and
    last sample, against what it holds; every sample belongs to a stored
    session and decodes; every raw response decompresses to the SHA-256
    its index names;
  - every stored sample and session against what re-parsing the raw
    responses gives (skip with --quick). After an upgrade that reads more
    of Zoom's fields, differences here are what 'zoomqos reparse' would
    change.

It runs while other zoomqos processes use the file (a collector waits for
it). The exit status is 0 when all is well, 1 when anything is wrong.

Examples:
   zoomqos check
   zoomqos check --quick
   zoomqos check --meeting 85012345678`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "meeting", Usage: "only this meeting `ID` (and the B-tree)"},
			&cli.BoolFlag{Name: "quick", Usage: "skip comparing the samples with their re-parsed raw responses"},
		},
		Action: func(c *cli.Context) error {
			var ids []string
			if c.IsSet("meeting") {
				id, err := requireMeeting(c)
				if err != nil {
					return err
				}
				ids = []string{id}
			}
			db, err := a.openStore(c, true)
			if err != nil {
				return err
			}
			defer db.Close()
			if len(ids) == 1 {
				if ids[0], err = a.resolveMeeting(c, db, ids[0]); err != nil {
					return err
				}
			}
			err = runCheck(c.Context, db, ids, !c.Bool("quick"), c.App.Writer)
			if errors.Is(err, context.Canceled) {
				return interrupted("interrupted: the check did not finish; it changes nothing, so run it again at any time")
			}
			return err
		},
	}
}

// runCheck checks the database, prints what it found and returns an error
// when anything is wrong.
func runCheck(ctx context.Context, db *store.DB, ids []string, reparse bool, w io.Writer) error {
	r, err := db.Check(ctx, ids)
	if errors.Is(err, store.ErrNotFound) && len(ids) == 1 {
		return fmt.Errorf("meeting %s is not in the database (see zoomqos meetings)", ids[0])
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: schema %d, %s, %s\n", r.Path, r.Schema, humanBytes(r.Size), plural(r.Pages, "page"))
	fmt.Fprintf(w, "  %s, %s, %s, %s\n", plural(r.Meetings, "meeting"), plural(r.Sessions, "session"),
		plural(r.Samples, "sample"), plural(r.Documents, "raw response"))
	if r.Schema < store.SchemaVersion {
		fmt.Fprintf(w, "  schema %d has no checksums: any writing command upgrades it to %d\n", r.Schema, store.SchemaVersion)
	}
	problems, count := r.Problems, r.Count
	compared := 0
	if reparse {
		// Comparing with the raw responses means something only where the
		// records themselves are sound.
		if ids == nil {
			list, err := db.Meetings(ctx)
			if err != nil && !errors.Is(err, store.ErrNotDatabase) {
				return err
			}
			for _, m := range list {
				ids = append(ids, m.ID)
			}
		}
		for _, id := range ids {
			if slices.Contains(r.Damaged, id) {
				continue
			}
			p, n, err := collect.Compare(ctx, db, id, max(0, 100-len(problems)))
			if errors.Is(err, store.ErrNotDatabase) {
				p, n = []string{err.Error()}, 1
			} else if err != nil {
				return err
			}
			problems, count, compared = append(problems, p...), count+n, compared+1
		}
	}
	if count == 0 {
		checksums := "every record's checksum holds"
		if r.Schema < store.SchemaVersion {
			checksums = "every record decodes (the checksums come with the upgrade)"
		}
		fmt.Fprintf(w, "  the B-tree is sound; %s; the counts match", checksums)
		if reparse {
			fmt.Fprintf(w, "; every sample and session equals what re-parsing its raw responses gives (%s)", plural(compared, "meeting"))
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "ok")
		return nil
	}
	for _, p := range problems {
		fmt.Fprintf(w, "  %s\n", p)
	}
	if more := count - len(problems); more > 0 {
		fmt.Fprintf(w, "  ... and %d more\n", more)
	}
	if reparse && len(r.Damaged) == 1 {
		fmt.Fprintln(w, "  (1 meeting was not compared with its raw responses: its records are damaged)")
	} else if reparse && len(r.Damaged) > 1 {
		fmt.Fprintf(w, "  (%d meetings were not compared with their raw responses: their records are damaged)\n", len(r.Damaged))
	}
	rebuild := ""
	switch n := len(r.Rebuildable); {
	case n == 1:
		rebuild = "the raw responses of meeting " + r.Rebuildable[0] + " are sound: zoomqos reparse --meeting " + r.Rebuildable[0] + " rebuilds the rest from them"
	case n > 1:
		rebuild = "the raw responses of meetings " + strings.Join(r.Rebuildable, ", ") + " are sound: zoomqos reparse --meeting ID rebuilds the rest of each from them"
	}
	advice := "restore a backup, or export what still reads"
	if reparseDifferences(r, problems) {
		advice = "the stored sessions or samples differ from what this version of zoomqos reads in their raw responses; after an upgrade that is expected: zoomqos reparse rebuilds them"
	}
	switch {
	case advice != "restore a backup, or export what still reads":
	case rebuild != "" && len(r.Rebuildable) == len(r.Damaged) && r.Count == len(r.Problems) && structureSound(r):
		advice = rebuild
	case rebuild != "":
		advice += "; " + rebuild
	}
	return fmt.Errorf("%s: %s found: %s", r.Path, plural(count, "problem"), advice)
}

// reparseDifferences reports whether the file is sound and every problem
// listed is a difference
// between what is stored and what re-parsing the raw responses gives,
// which an upgrade of the parser makes, and reparse mends.
func reparseDifferences(r *store.CheckReport, problems []string) bool {
	if r.Count > 0 || len(problems) == 0 {
		return false // the file itself has problems
	}
	for _, p := range problems {
		if !strings.Contains(p, "differ from the raw documents") && !strings.Contains(p, "the raw documents say") &&
			!strings.Contains(p, "in the raw documents, not stored") && !strings.Contains(p, "stored, not in any raw document") {
			return false
		}
	}
	return true
}

// structureSound reports whether none of the problems is the B-tree's or
// the header's: reparse writes, and a writer refuses a damaged tree.
func structureSound(r *store.CheckReport) bool {
	for _, p := range r.Problems {
		if strings.HasPrefix(p, "structure: ") {
			return false
		}
	}
	return true
}
