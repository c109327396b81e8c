package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/store"
)

func backupCommand() *cli.Command {
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
		Action: runBackup,
	}
}

func runBackup(c *cli.Context) error {
	out := c.String("output")
	if out == "" {
		return usageError{errors.New("say where to write the copy: -o FILE")}
	}
	mode, err := fileMode(c)
	if err != nil {
		return err
	}
	db, err := openStore(c, true)
	if err != nil {
		return err
	}
	defer db.Close()
	status := c.App.ErrWriter
	if out == "-" {
		_, err := db.Backup(c.Context, c.App.Writer)
		return err
	}
	o := output{path: out, mode: mode, defaultName: "qos-" + time.Now().UTC().Format("20060102-150405") + ".db"}
	if same(o.resolve(), db.Path()) {
		return usageError{fmt.Errorf("-o %s is the database itself", out)}
	}
	start := time.Now()
	var n int64
	path, err := o.write(func(w io.Writer) (err error) {
		n, err = db.Backup(c.Context, w)
		return err
	})
	if err != nil {
		return err
	}
	copied, err := store.Open(c.Context, path, store.Options{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("wrote %s, but it does not open: %w", path, err)
	}
	defer copied.Close()
	r, err := copied.Check(c.Context, nil)
	if err != nil {
		return fmt.Errorf("wrote %s, but could not check it: %w", path, err)
	}
	if !r.OK() {
		return fmt.Errorf("wrote %s, but it fails its check: %s (%s in all; run zoomqos check on the database)",
			path, r.Problems[0], plural(r.Count, "problem"))
	}
	abs, _ := filepath.Abs(path)
	fmt.Fprintf(status, "Backed up %s to %s in %s: %s, %s, %s, %s; checked: ok\n", db.Path(), abs,
		time.Since(start).Round(time.Millisecond), humanBytes(n), plural(r.Meetings, "meeting"),
		plural(r.Sessions, "session"), plural(r.Samples, "sample"))
	return nil
}

// same reports whether two paths name the same file.
func same(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}
