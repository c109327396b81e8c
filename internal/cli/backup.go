package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/store"
)

func backupCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:  "backup",
		Usage: "write a consistent copy of the database, checked after writing",
		Description: `Copies the database as of one moment (bbolt's Tx.WriteTo) while other
zoomqos commands go on reading it; a running collector waits for the copy
and continues. The copy is written beside its name and renamed into place
when complete, then opened and checked as 'zoomqos check --quick' does; it
is mode 0600 (--file-mode to change). A directory as -o gets
qos-YYYYMMDD-HHMMSS.db inside it.

Examples:
   zoomqos backup -o /backups/qos-$(date +%F).db
   zoomqos backup -o /backups/`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the copy to `FILE` (required; - for standard output, not checked)"},
		},
		Action: a.runBackup,
	}
}

func (a *app) runBackup(c *cli.Context) error {
	out := c.String("output")
	if out == "" {
		return usageError{errors.New("say where to write the copy: -o FILE")}
	}
	mode, err := a.fileMode(c)
	if err != nil {
		return err
	}
	db, err := a.openStore(c, true)
	if err != nil {
		return err
	}
	defer db.Close()
	status := c.App.ErrWriter
	if out == "-" {
		_, err := db.Backup(c.Context, c.App.Writer)
		return err
	}
	o := output{path: out, mode: mode, defaultName: backupName(out), db: db.Path()}
	start := time.Now()
	f, err := o.create()
	if err != nil {
		return err
	}
	// An interruption, however far the copy or its check got, leaves
	// nothing behind and is not taken for damage.
	stopped := func() error {
		f.abort()
		return interrupted("interrupted: no backup is written to %s", f.path)
	}
	n, err := db.Backup(c.Context, f)
	if err == nil {
		err = f.finish()
	}
	if c.Context.Err() != nil {
		return stopped()
	}
	if err != nil {
		f.abort()
		return err
	}
	// The copy is checked under its temporary name: a copy that fails
	// never takes the place of a good backup.
	r, err := checkCopy(c.Context, f.tempName())
	if c.Context.Err() != nil {
		return stopped()
	}
	if err != nil {
		f.abort()
		kept := "nothing is written to " + f.path
		if _, serr := os.Stat(f.path); serr == nil {
			kept = f.path + " is left as it was"
		}
		return fmt.Errorf("back up %s: its copy fails the check (%w), so %s: run zoomqos check on the database", db.Path(), err, kept)
	}
	if err := f.place(); err != nil {
		return err
	}
	path := f.path
	abs, _ := filepath.Abs(path)
	fmt.Fprintf(status, "Backed up %s to %s in %s: %s, %s, %s, %s; checked: ok\n", db.Path(), abs,
		time.Since(start).Round(time.Millisecond), humanBytes(n), plural(r.Meetings, "meeting"),
		plural(r.Sessions, "session"), plural(r.Samples, "sample"))
	return nil
}

// checkCopy checks a copy of the database as zoomqos check --quick does.
func checkCopy(ctx context.Context, path string) (*store.CheckReport, error) {
	copied, err := store.Open(ctx, path, store.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer copied.Close()
	r, err := copied.Check(ctx, nil)
	if err != nil {
		return nil, err
	}
	if !r.OK() {
		return nil, fmt.Errorf("%s (%s in all)", r.Problems[0], plural(r.Count, "problem"))
	}
	return r, nil
}

// backupName is the name a backup gets in the directory -o names: the
// time to the second, and a number after it when that name is taken.
func backupName(dir string) string {
	base := "qos-" + time.Now().UTC().Format("20060102-150405")
	name := base + ".db"
	for i := 2; ; i++ {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			return name
		}
		name = fmt.Sprintf("%s-%d.db", base, i)
	}
}
