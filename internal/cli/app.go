package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/internal/secret"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

// appVersion is the version main was built with (-ldflags "-X
// main.version=v1.2.3"), else the module version of a `go install
// ...@v1.2.3` build, else the VCS revision.
func appVersion(version string) string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return "dev"
}

// app is what the commands of one run share, set up by Run before any
// command runs: typed, so that no command looks it up by name.
type app struct {
	version  string         // the build's, if main was given one
	stderr   io.Writer      // the real standard error, to ask whether it is a terminal
	secrets  *secret.Set    // scrubbed from everything written to stderr
	level    *slog.LevelVar // --log-level, raised by --quiet
	log      *slog.Logger
	config   *config // the config file, read once (loadConfig)
	notFound string  // a command name urfave/cli did not know
}

// newRun returns the shared state of a run writing to stderr.
func newRun(version string, stderr io.Writer) *app {
	return &app{version: version, stderr: stderr, secrets: new(secret.Set), level: new(slog.LevelVar),
		log: slog.New(slog.DiscardHandler)}
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// Run runs zoomqos with args (args[0] is the program's name) and returns
// the exit status; version is the build's, if main was given one. main and
// the tests call it.
func Run(ctx context.Context, version string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// Everything written to stderr (logs, progress, errors) passes through
	// the run's set of secrets: the configured ones, and each token Zoom
	// issues, in every form a server may echo them in.
	a := newRun(version, stderr)
	errw := secret.NewWriter(stderr, a.secrets)
	defer errw.Flush()
	err := newApp(a, stdin, stdout, errw).RunContext(ctx, args)
	if err == nil {
		return 0
	}
	stderr = errw
	if errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "interrupted") {
		err = interrupted("interrupted: what was stored before stays; run the same command again to continue")
	}
	for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
		fmt.Fprintf(stderr, "zoomqos: %s\n", line)
	}
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return 2
	case errors.As(err, new(alertError)):
		return 3 // --fail-on crossed
	case errors.Is(err, context.Canceled):
		return 130
	case errors.As(err, new(*zoom.DailyLimitError)):
		return 75 // EX_TEMPFAIL: try again later
	}
	return 1
}

// interruptedError is Ctrl-C's message: it says what became of the work,
// and is context.Canceled to errors.Is (exit status 130), without ending
// in ": context canceled".
type interruptedError struct{ msg string }

func (e interruptedError) Error() string { return e.msg }
func (e interruptedError) Unwrap() error { return context.Canceled }

// interrupted returns Ctrl-C's message.
func interrupted(format string, a ...any) error {
	return interruptedError{fmt.Sprintf(format, a...)}
}

// newApp builds the command-line application: global flags, then one
// command per file.
func newApp(a *app, stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	a.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: a.level}))
	usageErr := func(c *cli.Context, err error, _ bool) error {
		name := "zoomqos"
		if c.Command != nil && c.Command.Name != "" && c.Command.Name != name {
			name += " " + c.Command.Name // not the app's own root command
		}
		return usageError{fmt.Errorf("%w (see '%s --help')", err, name)}
	}
	app := &cli.App{
		Name:    "zoomqos",
		Usage:   "understand Zoom call quality after the fact",
		Version: appVersion(a.version),
		Description: `zoomqos keeps Zoom meeting participants' per-minute QoS samples (bitrate,
latency, jitter, packet loss, resolution, frame rate, CPU per audio, video and
screen-share stream) in a local database, so that "the call was bad" can be
answered after the meeting is over.

Examples:
   zoomqos import --meeting 85012345678 saved-qos-page*.json
   zoomqos meetings
   zoomqos dump --meeting 85012345678 --format csv -o qos.csv`,
		Flags: []cli.Flag{
			&cli.StringFlag{
				Name:        "db",
				Usage:       "database `FILE` (or ZOOMQOS_DB, in the environment or the config file)",
				DefaultText: defaultDBPath(),
			},
			&cli.StringFlag{
				Name:    "config",
				Usage:   "config `FILE` holding ZOOM_* and ZOOMQOS_* settings and secrets as KEY=VALUE lines (mode 600)",
				EnvVars: []string{"ZOOMQOS_CONFIG"},
				Value:   defaultConfigPath(),
			},
			&cli.StringFlag{
				Name:        "log-level",
				Usage:       "log detail on stderr: debug, info, warn or error (or ZOOMQOS_LOG_LEVEL)",
				DefaultText: "info",
			},
			&cli.StringFlag{
				Name:        "lock-timeout",
				Usage:       "how long to wait for another zoomqos process to let go of the database, such as `30s` (or ZOOMQOS_LOCK_TIMEOUT)",
				DefaultText: store.DefaultLockTimeout.String(),
			},
			&cli.StringFlag{
				Name:        "file-mode",
				Usage:       "permissions of the reports, e-mails, dumps, exports and backups zoomqos writes, such as `0640` (or ZOOMQOS_FILE_MODE); they hold personal data",
				DefaultText: "0600",
			},
			&cli.StringFlag{
				Name:        "tz",
				Usage:       "show the times of reports, e-mails and tables in `ZONE`: an IANA name such as Europe/Berlin, or UTC, or Local (or ZOOMQOS_TZ); JSON, CSV, dumps and exports stay UTC",
				DefaultText: "the machine's, " + machineZone().String(),
			},
		},
		Commands: []*cli.Command{
			importCommand(a),
			collectCommand(a),
			listenCommand(a),
			analyzeCommand(a),
			reportCommand(a),
			exportCommand(a),
			demoCommand(a),
			fakezoomCommand(a),
			meetingsCommand(a),
			dumpCommand(a),
			reparseCommand(a),
			checkCommand(a),
			backupCommand(a),
		},
		Reader:          stdin,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		OnUsageError:    usageErr,
		ExitErrHandler:  func(*cli.Context, error) {},
		CommandNotFound: func(c *cli.Context, name string) {
			a.notFound = name
		},
		Action: func(c *cli.Context) error {
			if name := a.notFound; name != "" {
				return usageError{fmt.Errorf("no command %q (see 'zoomqos --help')", name)}
			}
			if c.Args().Present() {
				return usageError{fmt.Errorf("no command %q (see 'zoomqos --help')", c.Args().First())}
			}
			return cli.ShowAppHelp(c)
		},
	}
	for _, cmd := range app.Commands {
		cmd.OnUsageError = usageErr
		cmd.Before = a.readSettings
	}
	return app
}

// readSettings runs before every command (not before its --help): every
// command reads the config file, so that a mistake in it is reported
// whatever the command; its secrets join the run's set, and the log level
// is set from it.
func (a *app) readSettings(c *cli.Context) error {
	if err := strayArguments(c); err != nil {
		return err
	}
	cfg, err := a.loadConfig(c)
	if err != nil {
		return err
	}
	a.secrets.Add(cfg.secretValues()...)
	v, ok, err := a.value(c, "ZOOMQOS_LOG_LEVEL")
	if err != nil || !ok {
		return err
	}
	if err := a.level.UnmarshalText([]byte(v)); err != nil {
		return usageError{fmt.Errorf("log level %q (--log-level or ZOOMQOS_LOG_LEVEL): use debug, info, warn or error", v)}
	}
	return nil
}

// strayArguments refuses words on the command line that no flag takes:
// flags after them are not read at all (urfave/cli stops at the first
// argument), so `report --meeting ID oops --redact` would write a report
// that is not redacted. import takes files, and no flag after them.
func strayArguments(c *cli.Context) error {
	args := c.Args().Slice()
	if len(args) == 0 {
		return nil
	}
	if c.Command.ArgsUsage == "" {
		rest := ""
		if len(args) > 1 {
			rest = fmt.Sprintf(", and what follows it (%s) was not read", strings.Join(args[1:], " "))
		}
		return usageError{fmt.Errorf("unexpected argument %q%s", args[0], rest)}
	}
	for _, a := range args {
		if len(a) > 1 && strings.HasPrefix(a, "-") {
			return usageError{fmt.Errorf("%s after the files is not read: put flags before the files", a)}
		}
	}
	return nil
}

// quietLogs raises the log level to errors, for --quiet: a retry that
// succeeded is no news for cron, and what failed ends in the command's
// error. Damage the store finds is still said (storeWarning).
func (a *app) quietLogs() {
	if a.level.Level() < slog.LevelError {
		a.level.Set(slog.LevelError)
	}
}

// storeWarning logs what the store warns of (a damaged header page) at
// warning level, or at the level that is shown when --quiet raised it:
// damage is never kept quiet.
func (a *app) storeWarning(c *cli.Context, msg string) {
	level := max(slog.LevelWarn, a.level.Level())
	a.log.Log(c.Context, level, msg)
}

// openStore opens the database named by --db (or ZOOMQOS_DB): read-only
// commands take a shared lock and need the file to exist.
func (a *app) openStore(c *cli.Context, readOnly bool) (*store.DB, error) {
	path, err := a.dbPath(c)
	if err != nil {
		return nil, err
	}
	timeout, err := a.lockTimeout(c)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(c.Context, path, store.Options{ReadOnly: readOnly, LockTimeout: timeout,
		Warn: func(msg string) { a.storeWarning(c, msg) }})
	if err != nil {
		return nil, err
	}
	a.log.Debug("opened database", "path", path, "read_only", readOnly)
	return db, nil
}

// dbPath is the database's path: --db, ZOOMQOS_DB (environment, then the
// config file), or the default.
func (a *app) dbPath(c *cli.Context) (string, error) {
	path, ok, err := a.value(c, "ZOOMQOS_DB")
	if err != nil {
		return "", err
	}
	if !ok {
		path = defaultDBPath()
	}
	if path == "" {
		return "", usageError{errors.New("no database: give --db PATH or set ZOOMQOS_DB")}
	}
	return path, nil
}

// lockTimeout reads --lock-timeout (or ZOOMQOS_LOCK_TIMEOUT).
func (a *app) lockTimeout(c *cli.Context) (time.Duration, error) {
	v, ok, err := a.value(c, "ZOOMQOS_LOCK_TIMEOUT")
	if err != nil || !ok {
		return store.DefaultLockTimeout, err
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, usageError{fmt.Errorf("lock timeout %q: use a duration such as 30s", v)}
	}
	return d, nil
}

// fileMode reads --file-mode (or ZOOMQOS_FILE_MODE): the permissions of
// the files zoomqos writes, 0600 unless the user asks otherwise.
func (a *app) fileMode(c *cli.Context) (os.FileMode, error) {
	v, ok, err := a.value(c, "ZOOMQOS_FILE_MODE")
	if err != nil || !ok {
		return 0o600, err
	}
	m, err := parseMode(v)
	if err != nil {
		return 0, usageError{fmt.Errorf("file mode %q: %w", v, err)}
	}
	return m, nil
}

// defaultDBPath is qos.db in the user's data directory: $XDG_DATA_HOME or
// ~/.local/share on Unix, ~/Library/Application Support on macOS,
// %LocalAppData% on Windows.
func defaultDBPath() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if !filepath.IsAbs(dir) {
		dir = ""
	}
	if dir == "" {
		home, err := os.UserHomeDir()
		switch {
		case runtime.GOOS == "windows" && os.Getenv("LocalAppData") != "":
			dir = os.Getenv("LocalAppData")
		case err != nil:
			return ""
		case runtime.GOOS == "darwin":
			dir = filepath.Join(home, "Library", "Application Support")
		default:
			dir = filepath.Join(home, ".local", "share")
		}
	}
	return filepath.Join(dir, "zoomqos", "qos.db")
}

// defaultConfigPath is zoomqos/config in the user's config directory
// ($XDG_CONFIG_HOME or ~/.config on Unix).
func defaultConfigPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "zoomqos", "config")
}

// requireMeeting returns --meeting, or a usage error when it is missing or
// cannot be a meeting ID.
func requireMeeting(c *cli.Context) (string, error) {
	id := strings.TrimSpace(c.String("meeting"))
	if id == "" {
		return "", usageError{fmt.Errorf("%s needs --meeting ID", c.Command.Name)}
	}
	return id, checkMeetingID("--meeting", id)
}

// resolveMeeting finds the stored meeting a --meeting value names: an
// instance UUID, a meeting number (its latest instance stored) or
// "latest". When that is not plain from the name, which meeting it took
// goes to standard error.
func (a *app) resolveMeeting(c *cli.Context, db *store.DB, name string) (string, error) {
	r, err := db.Resolve(c.Context, name)
	if errors.Is(err, store.ErrNotFound) {
		if name == store.Latest {
			return "", errors.New("no meetings stored yet: import or collect some")
		}
		return "", fmt.Errorf("meeting %s is not in the database (see zoomqos meetings)", name)
	}
	if err != nil {
		return "", err
	}
	loc, err := a.location(c)
	if err != nil {
		return "", err
	}
	if note := resolvedNote(r, loc); note != "" {
		// The topic is Zoom's text: shown inert, as in the tables.
		fmt.Fprintln(c.App.ErrWriter, report.DisplayText(note, 600))
	}
	return r.ID, nil
}

// resolvedNote says in words which meeting a name was taken to mean, when
// that is not plain from the name, its start in loc; "" when it is.
func resolvedNote(r store.Resolved, loc *time.Location) string {
	if !r.Start.IsZero() {
		r.About += ", started " + report.Stamp.FormatIn(r.Start, loc)
	}
	switch r.How {
	case store.TakenLatestMeeting:
		return "the latest meeting: " + r.About
	case store.TakenOverCopy:
		return fmt.Sprintf("meeting %s: taking %s; the copy an older zoomqos stored under the number is left out (zoomqos reparse merges it)",
			r.Number, r.About)
	case store.TakenLatestInstance:
		return fmt.Sprintf("meeting %s has %d instances stored; taking the latest: %s (name another by its UUID: see zoomqos meetings --number %s)",
			r.Number, r.Instances, r.About, r.Number)
	}
	return ""
}

// checkMeetingID refuses an ID no meeting can have (a newline, invalid
// UTF-8), as a usage error naming the flag.
func checkMeetingID(flag, id string) error {
	if err := store.ValidMeetingID(id); err != nil {
		return usageError{fmt.Errorf("%s: %w", flag, err)}
	}
	return nil
}
