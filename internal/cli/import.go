package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/collect"
	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

func importCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "load saved Zoom QoS API responses into the database",
		ArgsUsage: "FILE... (- reads standard input)",
		Description: `Loads responses of GET /metrics/meetings/{id}/participants/qos (list pages),
GET /metrics/meetings/{id}/participants/{participantId}/qos (one
participant), GET /metrics/meetings/{id}/participants (the participants list:
network type, data center, Zoom's own ratings) and GET /metrics/meetings/{id}
(the meeting's details: topic, number, host, times), or the webinar ones, as
saved from the API: one JSON document per file, several concatenated, NDJSON,
or a JSON array of them; gzip-compressed files too.

--meeting names the meeting they belong to: a stored meeting by UUID, number
(its latest instance) or 'latest', or else the ID to store them under. Data
imported under a meeting number moves into its instance (UUID) when
'zoomqos collect' or 'zoomqos reparse' learns which instance it is.
Importing the same data again adds nothing; a newer copy of a sample replaces
the older one. Values zoomqos cannot read are skipped and listed; the
responses are kept as received, so 'zoomqos reparse' can read them again.

Examples:
   zoomqos import --meeting 85012345678 qos-page-1.json qos-page-2.json
   curl -s -H "Authorization: Bearer $TOKEN" \
     "https://api.zoom.us/v2/metrics/meetings/85012345678/participants/qos?type=past&page_size=10" \
     | zoomqos import --meeting 85012345678 -`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "meeting", Usage: "the meeting `ID` or UUID the responses belong to (required)"},
			&cli.StringFlag{Name: "type", Value: store.Past, Usage: "how the responses were fetched: past or live"},
		},
		Action: func(c *cli.Context) error {
			id, err := requireMeeting(c)
			if err != nil {
				return err
			}
			typ := c.String("type")
			if typ != store.Past && typ != store.Live {
				return usageError{fmt.Errorf("--type %q: use past or live", typ)}
			}
			if c.NArg() == 0 {
				return usageError{errors.New("import needs at least one FILE (or - for standard input)")}
			}
			db, err := a.openStore(c, false)
			if err != nil {
				return err
			}
			defer db.Close()
			if r, err := db.Resolve(c.Context, id); err == nil {
				loc, err := a.location(c)
				if err != nil {
					return err
				}
				if note := resolvedNote(r, loc); note != "" {
					fmt.Fprintln(c.App.ErrWriter, note)
				}
				id = r.ID
			} else if errors.Is(err, store.ErrNotFound) && id != store.Latest {
				id = store.NormalizeNumber(id)
			} else if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			im := &collect.Importer{DB: db, Meeting: store.Meeting{ID: id, Type: typ}, Log: a.log,
				ListAdvice: "collect --past discovers them; import takes one meeting's QoS, participants or details answers"}
			err = importFiles(c.Context, im, c.Args().Slice(), c.App.Reader)
			printImport(c.App.Writer, im)
			return err
		},
	}
}

// importFiles imports each file in turn; a bad file does not stop the rest.
func importFiles(ctx context.Context, im *collect.Importer, names []string, stdin io.Reader) error {
	var errs []error
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return interrupted("interrupted: what was imported before stays; run the same import again to continue")
		}
		err := importFile(ctx, im, name, stdin)
		if errors.Is(err, context.Canceled) {
			return interrupted("interrupted while importing %s: what was imported before stays; run the same import again to continue", name)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func importFile(ctx context.Context, im *collect.Importer, name string, stdin io.Reader) error {
	if name == "-" {
		return im.File(ctx, "standard input", stdin)
	}
	f, err := openInput(ctx, name)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return fmt.Errorf("import %s: it is a directory: give the files in it (%s)", name, filepath.Join(name, "*.json"))
	}
	// A pipe or a socket may keep a read waiting: Ctrl-C ends the wait
	// (a regular file has no deadlines and needs none).
	stop := context.AfterFunc(ctx, func() { _ = f.SetReadDeadline(time.Now()) })
	defer stop()
	err = im.File(ctx, name, f)
	if ctx.Err() != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		return ctx.Err()
	}
	return err
}

func printImport(w io.Writer, im *collect.Importer) {
	r := im.Report()
	fmt.Fprintf(w, "meeting %s (%s): %s, %s (%d new)\n", im.Meeting.ID, im.Meeting.Type,
		plural(r.Files, "file"), plural(r.Documents, "document"), r.RawNew)
	fmt.Fprintf(w, "  participants  %d\n", r.Participants)
	fmt.Fprintf(w, "  sessions      %d (%d new)\n", r.Sessions, r.NewSessions)
	fmt.Fprintf(w, "  samples       %d added, %d already present, %d replaced by a newer copy\n", r.Added, r.Present, r.Replaced)
	printProblems(w, &r.Problems)
}

func printProblems(w io.Writer, p *zoom.Problems) {
	if p.Count > 0 {
		fmt.Fprintf(w, "  not understood %s (left absent):\n", plural(p.Count, "value"))
		for _, x := range p.First {
			// Values and paths come from the files: shown inert.
			fmt.Fprintf(w, "    %s\n", report.DisplayText(x.String(), report.DisplayLimit))
		}
		if more := p.Count - len(p.First); more > 0 {
			fmt.Fprintf(w, "    ... and %d more\n", more)
		}
	}
	if len(p.Unknown) > 0 {
		fields := p.UnknownFields()
		for i, f := range fields {
			fields[i] = fmt.Sprintf("%s (%d)", report.DisplayText(f, 80), p.Unknown[f])
		}
		fmt.Fprintf(w, "  unknown fields, kept in the raw copy: %s\n", strings.Join(fields, ", "))
	}
}

// openInput opens a file to import. Opening a named pipe waits for a
// writer, and no deadline ends that wait: it is done aside, so that Ctrl-C
// ends the import even so (the open, left waiting, goes with the process).
func openInput(ctx context.Context, name string) (*os.File, error) {
	if fi, err := os.Stat(name); err != nil || fi.Mode().Type() != fs.ModeNamedPipe {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		return f, nil
	}
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.Open(name)
		done <- opened{f, err}
	}()
	select {
	case o := <-done:
		if o.err != nil {
			return nil, fmt.Errorf("import: %w", o.err)
		}
		return o.f, nil
	case <-ctx.Done():
		go func() { // a writer that comes after all finds the pipe closed
			if o := <-done; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}
