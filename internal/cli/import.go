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
		ArgsUsage: "FILE|DIR... (- reads standard input)",
		Description: `Loads responses of GET /metrics/meetings/{id}/participants/qos (list pages),
GET /metrics/meetings/{id}/participants/{participantId}/qos (one
participant), GET /metrics/meetings/{id}/participants (the participants list:
network type, data center, Zoom's own ratings) and GET /metrics/meetings/{id}
(the meeting's details: topic, number, host, times), or the webinar ones, as
saved from the API: one JSON document per file, several concatenated, NDJSON,
or a JSON array of them; gzip-compressed files too. A directory stands for
the files in it and its subdirectories whose names end in .json, .ndjson or
.jsonl (or those and .gz), in name order.

--meeting names the meeting they belong to: a stored meeting by UUID, number
(its latest instance) or 'latest', or else the ID to store them under.
Without --meeting, each file belongs to the meeting whose number (9 to 11
digits) is the first such run of digits in its name, or else in the name of
the nearest directory above it that has one, up to the directory given (a
file given by name: its own directory): 85012345678-qos-1.json, or
85012345678/page-1.json. Zoom's responses do not name their meeting, so
save them under such names; a file without one is refused, and the others
imported. Data imported under a meeting number moves into its instance (UUID)
when 'zoomqos collect' or 'zoomqos reparse' learns which instance it is.
Importing the same data again adds nothing; a newer copy of a sample replaces
the older one. Values zoomqos cannot read are skipped and listed; the
responses are kept as received, so 'zoomqos reparse' can read them again.

Examples:
   zoomqos import --meeting 85012345678 qos-page-1.json qos-page-2.json
   zoomqos import saved/        # saved/85012345678-qos-1.json, ...
   curl -s -H "Authorization: Bearer $TOKEN" \
     "https://api.zoom.us/v2/metrics/meetings/85012345678/participants/qos?type=past&page_size=10" \
     | zoomqos import --meeting 85012345678 -`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "meeting", Usage: "the meeting `ID` or UUID the responses belong to (default: the meeting number in each file's name)"},
			&cli.StringFlag{Name: "type", Value: store.Past, Usage: "how the responses were fetched: past or live"},
		},
		Action: func(c *cli.Context) error {
			var id string
			if strings.TrimSpace(c.String("meeting")) != "" {
				var err error
				if id, err = requireMeeting(c); err != nil {
					return err
				}
			}
			typ := c.String("type")
			if typ != store.Past && typ != store.Live {
				return usageError{fmt.Errorf("--type %q: use past or live", typ)}
			}
			if c.NArg() == 0 {
				return usageError{errors.New("import needs at least one FILE or DIR (or - for standard input)")}
			}
			files, listErr := importPaths(c.Args().Slice(), id != "")
			if len(files) == 0 {
				if listErr != nil && id == "" {
					return usageError{fmt.Errorf("import needs --meeting ID, or files named by their meeting's number (85012345678-qos-1.json): %w", listErr)}
				}
				if listErr != nil {
					return listErr
				}
				return fmt.Errorf("import: no .json, .ndjson or .jsonl files in %s", strings.Join(c.Args().Slice(), ", "))
			}
			db, err := a.openStore(c, false)
			if err != nil {
				return err
			}
			defer db.Close()
			loc, err := a.location(c)
			if err != nil {
				return err
			}
			// Each meeting named once, resolved once.
			resolved := map[string]string{}
			resolve := func(name string) (string, error) {
				if r, ok := resolved[name]; ok {
					return r, nil
				}
				got := name
				if r, err := db.Resolve(c.Context, name); err == nil {
					if note := resolvedNote(r, loc); note != "" {
						fmt.Fprintln(c.App.ErrWriter, note)
					}
					got = r.ID
				} else if errors.Is(err, store.ErrNotFound) && name != store.Latest {
					got = store.NormalizeNumber(name)
				} else if err != nil {
					return "", fmt.Errorf("import: %w", err)
				}
				resolved[name] = got
				return got, nil
			}
			inputs := make([]collect.Input, 0, len(files))
			for _, f := range files {
				m := id
				if m == "" {
					m = f.meeting
				}
				if m, err = resolve(m); err != nil {
					return err
				}
				name := f.name
				if name == "-" {
					name = "standard input"
				}
				inputs = append(inputs, collect.Input{Name: name, Meeting: store.Meeting{ID: m, Type: typ}, Open: inputOpener(f.name, c.App.Reader)})
			}
			im := &collect.Importer{DB: db, Log: a.log,
				ListAdvice: "collect --past discovers them; import takes one meeting's QoS, participants or details answers"}
			if id != "" {
				im.Meeting = inputs[0].Meeting
			}
			err = im.Files(c.Context, inputs)
			if ie := new(collect.Interrupted); errors.As(err, &ie) {
				err = interrupted("interrupted while importing %s: what was imported before stays; run the same import again to continue", ie.Input)
			}
			printImport(c.App.Writer, im)
			return errors.Join(listErr, err)
		},
	}
}

// importInput is a file to import and the meeting its name gives.
type importInput struct {
	name    string
	meeting string // from the name, when no --meeting
}

// importPaths lists the files the arguments name: a file as given (- for
// standard input), a directory's JSON files in name order. Without
// --meeting (named false), each file's meeting number comes from its path;
// a file whose path has none is left out and named in the error, on a line
// of its own, as is an argument that cannot be read.
func importPaths(args []string, named bool) ([]importInput, error) {
	var out []importInput
	var errs []error
	add := func(name, top string) {
		in := importInput{name: name}
		if !named {
			if name == "-" {
				errs = append(errs, usageError{errors.New("import -: standard input names no meeting: give --meeting")})
				return
			}
			if in.meeting = meetingInPath(name, top); in.meeting == "" {
				errs = append(errs, fmt.Errorf("import %s: no meeting number (9 to 11 digits) in its name or its directory's: "+
					"rename it like 85012345678-qos-1.json, or give --meeting", name))
				return
			}
		}
		out = append(out, in)
	}
	for _, arg := range args {
		if arg == "-" {
			add(arg, "")
			continue
		}
		fi, err := os.Stat(arg)
		if err != nil || !fi.IsDir() {
			add(arg, filepath.Dir(arg)) // opening it says what is wrong with it
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != arg && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !importable(d.Name()) {
				return nil
			}
			// A pipe, a device or a link to a directory in a folder is
			// not a saved answer: reading a FIFO would wait for ever.
			if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
				errs = append(errs, fmt.Errorf("import %s: not a regular file: left out", path))
				return nil
			}
			found = append(found, path)
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("import: %w", err))
		}
		for _, f := range found { // WalkDir goes in lexical order
			add(f, arg)
		}
	}
	return out, errors.Join(errs...)
}

// importable reports whether a file in a directory is one import reads.
func importable(name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".gz")
	for _, ext := range []string{".json", ".ndjson", ".jsonl"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// meetingInPath returns the meeting number a file's path gives: the first
// run of 9 to 11 digits in its name, or else in the name of the nearest
// directory above it, up to top, that has one; "" if none does. The
// directories above top (the one named on the command line, or a named
// file's own) are not the user's naming: /tmp/run1234567890/ says nothing.
func meetingInPath(path, top string) string {
	// The names as they are on disk: "page-1.json" in the meeting's own
	// directory, given as it is, is in that directory.
	if a, err := filepath.Abs(path); err == nil {
		path = a
	}
	if a, err := filepath.Abs(top); err == nil {
		top = a
	}
	top = filepath.Clean(top)
	for p := filepath.Clean(path); ; {
		if n := meetingNumberIn(filepath.Base(p)); n != "" {
			return n
		}
		up := filepath.Dir(p)
		if p == top || up == p || len(up) < len(top) {
			return ""
		}
		p = up
	}
}

// meetingNumberIn returns the first run of 9 to 11 digits in name (Zoom's
// meeting numbers), not part of a longer run.
func meetingNumberIn(name string) string {
	for i := 0; i < len(name); {
		if name[i] < '0' || name[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(name) && name[j] >= '0' && name[j] <= '9' {
			j++
		}
		if n := j - i; n >= 9 && n <= 11 {
			return name[i:j]
		}
		i = j
	}
	return ""
}

// inputOpener opens a file to import, or standard input for "-".
func inputOpener(name string, stdin io.Reader) func(context.Context) (io.ReadCloser, error) {
	return func(ctx context.Context) (io.ReadCloser, error) {
		if name == "-" {
			return io.NopCloser(stdin), nil
		}
		f, err := openInput(ctx, name)
		if err != nil {
			return nil, err
		}
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			f.Close()
			return nil, fmt.Errorf("import %s: it is a directory", name)
		}
		// A pipe or a socket may keep a read waiting: Ctrl-C ends the wait
		// (a regular file has no deadlines and needs none).
		stop := context.AfterFunc(ctx, func() { _ = f.SetReadDeadline(time.Now()) })
		return &inputFile{File: f, ctx: ctx, stop: stop}, nil
	}
}

// inputFile is an opened input whose reads Ctrl-C ends.
type inputFile struct {
	*os.File
	ctx  context.Context
	stop func() bool
}

func (f *inputFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	if err != nil && f.ctx.Err() != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		err = f.ctx.Err()
	}
	return n, err
}

func (f *inputFile) Close() error {
	f.stop()
	return f.File.Close()
}

func printImport(w io.Writer, im *collect.Importer) {
	r := im.Report()
	ms := im.Meetings()
	if len(ms) <= 1 {
		m := im.Meeting
		if len(ms) == 1 {
			m = ms[0].Meeting
		}
		fmt.Fprintf(w, "meeting %s (%s): %s, %s (%d new)\n", m.ID, m.Type,
			plural(r.Files, "file"), plural(r.Documents, "document"), r.RawNew)
	} else {
		n := 0
		for _, m := range ms {
			if m.Documents > 0 {
				n++
			}
		}
		fmt.Fprintf(w, "%d meetings (%s): %s, %s (%d new)\n", n, ms[0].Meeting.Type,
			plural(r.Files, "file"), plural(r.Documents, "document"), r.RawNew)
		for _, m := range ms {
			if m.Documents == 0 {
				continue // its files were refused, each said why
			}
			fmt.Fprintf(w, "  meeting %s: %s, %d sessions (%d new), samples %d added, %d already present, %d replaced\n",
				m.Meeting.ID, plural(m.Documents, "document"), m.Sessions, m.NewSessions, m.Added, m.Present, m.Replaced)
		}
	}
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
