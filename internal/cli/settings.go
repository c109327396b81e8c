package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

// setting is one thing a user can set through the environment or the
// config file, and perhaps a flag: the one list of them, from which the
// config file's known keys, its error messages and the help come.
type setting struct {
	key    string // the environment variable and config-file key
	flag   string // the flag that wins over both, if any ("" for none)
	secret bool   // never from a flag, never printed
	about  string
	check  func(string) error // what a value must be; nil: any text
}

// settings lists every setting. Secrets have no flag.
var settings = []setting{
	{"ZOOMQOS_DB", "db", false, "the database file", nil},
	{"ZOOMQOS_LOG_LEVEL", "log-level", false, "log detail on stderr", checkLevel},
	{"ZOOMQOS_LOCK_TIMEOUT", "lock-timeout", false, "how long to wait for another zoomqos process to let go of the database", checkDuration},
	{"ZOOMQOS_FILE_MODE", "file-mode", false, "permissions of the files zoomqos writes (reports, e-mails, dumps, exports, backups)", checkMode},
	{"ZOOM_ACCOUNT_ID", "", false, "Server-to-Server OAuth account id", nil},
	{"ZOOM_CLIENT_ID", "", false, "Server-to-Server OAuth client id", nil},
	{"ZOOM_CLIENT_SECRET", "", true, "Server-to-Server OAuth client secret", nil},
	{"ZOOM_ACCESS_TOKEN", "", true, "a plain access token instead of OAuth", nil},
	{"ZOOM_API_URL", "api-url", false, "the Zoom API's base URL", checkHTTPURL},
	{"ZOOM_TOKEN_URL", "token-url", false, "the OAuth token URL", checkHTTPURL},
	{"ZOOMQOS_LATENCY_MS", "latency-ms", false, "latency threshold", checkNumber},
	{"ZOOMQOS_JITTER_MS", "jitter-ms", false, "jitter threshold", checkNumber},
	{"ZOOMQOS_LOSS_PCT", "loss-pct", false, "average loss threshold", checkNumber},
	{"ZOOMQOS_FRAME_RATE_FPS", "fps", false, "video frame rate threshold", checkNumber},
	{"ZOOMQOS_CPU_PCT", "cpu-pct", false, "system CPU threshold", checkNumber},
	{"ZOOMQOS_MIN_WINDOW_SAMPLES", "min-samples", false, "degraded samples a window needs", checkWhole},
	{"ZOOMQOS_SMTP_URL", "", false, "the SMTP server for --send", checkSMTPURL},
	{"ZOOMQOS_SMTP_PASSWORD", "", true, "the SMTP password", nil},
	{"ZOOMQOS_MAIL_FROM", "from", false, "the e-mail's sender", checkAddress},
}

// The checks of settings' values; the messages never quote the value (it
// may be a secret in the wrong place).
func checkNumber(v string) error {
	if _, err := strconv.ParseFloat(v, 64); err != nil {
		return errors.New("not a number")
	}
	return nil
}

func checkWhole(v string) error {
	if _, err := strconv.Atoi(v); err != nil {
		return errors.New("not a whole number")
	}
	return nil
}

func checkDuration(v string) error {
	if d, err := time.ParseDuration(v); err != nil || d <= 0 {
		return errors.New("not a duration such as 30s")
	}
	return nil
}

func checkMode(v string) error {
	if _, err := parseMode(v); err != nil {
		return err
	}
	return nil
}

func checkLevel(v string) error {
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return errors.New("use debug, info, warn or error")
	}
	return nil
}

func checkSMTPURL(v string) error {
	u, err := url.Parse(v)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps"):
		return errors.New("not an smtp:// (STARTTLS) or smtps:// (TLS) URL like smtp://user@mail.example.com:587")
	case u.User != nil:
		if _, has := u.User.Password(); has {
			return errors.New("it holds a password: put it in ZOOMQOS_SMTP_PASSWORD instead")
		}
	}
	return nil
}

func checkAddress(v string) error {
	if _, err := mail.ParseAddress(v); err != nil {
		return errors.New("not an e-mail address (qos@example.com, or \"QoS reports\" <qos@example.com>)")
	}
	return nil
}

func checkHTTPURL(v string) error {
	if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("not an http(s) URL")
	}
	return nil
}

// parseMode reads octal permissions that let the user read and write.
func parseMode(v string) (os.FileMode, error) {
	n, err := strconv.ParseUint(v, 8, 32)
	if err != nil || n > 0o777 || n&0o600 != 0o600 {
		return 0, errors.New("use octal permissions that let you read and write, such as 0600 or 0640")
	}
	return os.FileMode(n), nil
}

// zoomSettings are the Zoom settings from the environment and the config
// file: the credentials (never from flags), and the URLs, which --api-url
// and --token-url override.
type zoomSettings struct {
	// Exported, so that fmt prints the credentials through their String
	// method, which keeps their secrets.
	Credentials      zoom.Credentials
	APIURL, TokenURL string
}

// readZoomSettings reads the Zoom settings through lookup (the environment
// first, the config file next).
func readZoomSettings(lookup func(string) (string, bool)) zoomSettings {
	get := func(k string) string {
		v, _ := lookup(k)
		return v
	}
	return zoomSettings{
		Credentials: zoom.Credentials{AccountID: get("ZOOM_ACCOUNT_ID"), ClientID: get("ZOOM_CLIENT_ID"),
			ClientSecret: get("ZOOM_CLIENT_SECRET"), AccessToken: get("ZOOM_ACCESS_TOKEN")},
		APIURL:   get("ZOOM_API_URL"),
		TokenURL: get("ZOOM_TOKEN_URL"),
	}
}

// zoomSettingKeys are the keys of the Zoom client's settings that its
// errors name.
var zoomSettingKeys = map[zoom.Setting]string{
	zoom.SettingAPIURL:       "ZOOM_API_URL",
	zoom.SettingTokenURL:     "ZOOM_TOKEN_URL",
	zoom.SettingAccountID:    "ZOOM_ACCOUNT_ID",
	zoom.SettingClientID:     "ZOOM_CLIENT_ID",
	zoom.SettingClientSecret: "ZOOM_CLIENT_SECRET",
	zoom.SettingAccessToken:  "ZOOM_ACCESS_TOKEN",
}

// zoomSettingName names a setting of the Zoom client in its errors as the
// user sets it: its key, and its flag when it has one ("ZOOM_API_URL or
// --api-url", "ZOOM_CLIENT_ID"). The rate is collect's --rate alone.
func zoomSettingName(s zoom.Setting) string {
	key, ok := zoomSettingKeys[s]
	if !ok {
		if s == zoom.SettingRate {
			return "--rate"
		}
		return s.String()
	}
	if i := slices.IndexFunc(settings, func(st setting) bool { return st.key == key }); i >= 0 && settings[i].flag != "" {
		return key + " or --" + settings[i].flag
	}
	return key
}

// errNoCredentials says where the credentials go.
var errNoCredentials = errors.New("no Zoom credentials: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET " +
	"(a Server-to-Server OAuth app), or ZOOM_ACCESS_TOKEN, in the environment or the config file")

// newZoomClient is the Zoom client of a run: its errors name the settings
// as the user sets them, and say where credentials go when there are none.
func newZoomClient(cfg zoom.ClientConfig) (*zoom.Client, error) {
	cfg.Name = zoomSettingName
	client, err := zoom.NewClient(cfg)
	if errors.Is(err, zoom.ErrNoCredentials) {
		return nil, advised{msg: errNoCredentials.Error(), err: err}
	}
	return client, err
}

// advised is an error of a library package re-worded with the command
// line's advice; errors.Is and errors.As still see the error inside.
type advised struct {
	msg string
	err error
}

func (e advised) Error() string { return e.msg }
func (e advised) Unwrap() error { return e.err }

// settingKeys are the keys the config file may hold, in the list's order.
func settingKeys() []string {
	keys := make([]string, len(settings))
	for i, s := range settings {
		keys[i] = s.key
	}
	return keys
}

// secretValues returns the values of the secret settings that are set.
func (cfg *config) secretValues() []string {
	var out []string
	for _, s := range settings {
		if v, ok := cfg.lookup(s.key); ok && s.secret && v != "" {
			out = append(out, v)
		}
	}
	return out
}

// The config file (--config) holds KEY=VALUE lines with the keys above.
// "#" starts a comment; "export " and quotes are allowed. The environment
// wins over the file, flags over both; secrets have no flags.

// config is the config file's values.
type config struct {
	path string
	vals map[string]string
}

// loadConfig reads the config file named by --config (or ZOOMQOS_CONFIG),
// once per run; a missing file is an empty config. It warns when others can
// read the file, which may hold secrets.
func (a *app) loadConfig(c *cli.Context) (*config, error) {
	if a.config != nil {
		return a.config, nil
	}
	path := c.String("config")
	cfg := &config{path: path, vals: map[string]string{}}
	if path != "" {
		// Stat before opening: opening a named pipe would wait for ever.
		fi, err := os.Stat(path)
		if err == nil && !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("config file %s is %s, not a file", path, store.FileKind(fi.Mode()))
		}
		f, err := os.Open(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("config file: %w", err)
		default:
			defer f.Close()
			fi, err := f.Stat()
			if err != nil {
				return nil, fmt.Errorf("config file: %w", err)
			}
			if fi.Mode().Perm()&0o077 != 0 {
				a.log.Warn(fmt.Sprintf("config file %s can be read by other users (mode %v): chmod 600 it", path, fi.Mode().Perm()))
			}
			if err := cfg.read(f); err != nil {
				return nil, err
			}
		}
	}
	a.config = cfg
	return cfg, nil
}

// read parses KEY=VALUE lines. Errors name the line, never its value: it
// may be a secret.
func (cfg *config) read(f *os.File) error {
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff") // as Windows' Notepad saves UTF-8
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return fmt.Errorf("config file %s line %d: want KEY=VALUE", cfg.path, n)
		}
		switch {
		case k == "ZOOMQOS_CONFIG":
			return fmt.Errorf("config file %s line %d: ZOOMQOS_CONFIG names the config file; it cannot be set inside it", cfg.path, n)
		case !slices.Contains(settingKeys(), k) && slices.Contains(settingKeys(), strings.ToUpper(k)):
			return fmt.Errorf("config file %s line %d: unknown key %s: keys are written in capitals (%s)", cfg.path, n, k, strings.ToUpper(k))
		case !slices.Contains(settingKeys(), k) && !looksLikeKey(k):
			// Perhaps a value in the wrong place: do not repeat it.
			return fmt.Errorf("config file %s line %d: want KEY=VALUE", cfg.path, n)
		case !slices.Contains(settingKeys(), k):
			return fmt.Errorf("config file %s line %d: unknown key %s (known: %s)", cfg.path, n, k,
				strings.Join(settingKeys(), ", "))
		}
		if v != "" && (v[0] == '"' || v[0] == '\'') {
			// A quoted value, perhaps with a comment after it.
			end := strings.IndexByte(v[1:], v[0])
			if end < 0 {
				return fmt.Errorf("config file %s line %d: %s: the value's opening quote is not closed", cfg.path, n, k)
			}
			if rest := strings.TrimSpace(v[end+2:]); rest != "" && !strings.HasPrefix(rest, "#") {
				return fmt.Errorf("config file %s line %d: %s: text after the value's closing quote (put a # before a comment)", cfg.path, n, k)
			}
			v = v[1 : end+1]
		} else if i := strings.Index(v, " #"); i >= 0 {
			v = strings.TrimSpace(v[:i]) // a comment after the value
		} else if i := strings.Index(v, "\t#"); i >= 0 {
			v = strings.TrimSpace(v[:i])
		}
		if s := settings[slices.IndexFunc(settings, func(s setting) bool { return s.key == k })]; s.check != nil && v != "" {
			if err := s.check(v); err != nil {
				return fmt.Errorf("config file %s line %d: %s: %v", cfg.path, n, k, err)
			}
		}
		cfg.vals[k] = v
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("config file %s: %w", cfg.path, err)
	}
	return nil
}

// looksLikeKey reports whether s is made like the keys: capitals, digits
// and underscores.
func looksLikeKey(s string) bool {
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return s != ""
}

// lookup returns a setting: from the environment if set there, else from
// the file.
func (cfg *config) lookup(key string) (string, bool) {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v, true
	}
	v, ok := cfg.vals[key]
	return v, ok
}

// value returns a setting as the user gave it: its flag when given on the
// command line, else the environment, else the config file; ok is false
// when none of them sets it.
func (a *app) value(c *cli.Context, key string) (v string, ok bool, err error) {
	i := slices.IndexFunc(settings, func(s setting) bool { return s.key == key })
	if i < 0 {
		return "", false, fmt.Errorf("no setting %s", key)
	}
	if f := settings[i].flag; f != "" && onCommandLine(c, f) {
		return c.String(f), true, nil
	}
	cfg, err := a.loadConfig(c)
	if err != nil {
		return "", false, err
	}
	v, ok = cfg.lookup(key)
	return v, ok && v != "", nil
}

// onCommandLine reports whether a flag was given on the command line. The
// flags of settings take nothing from the environment themselves (value
// does), so being set means being given.
func onCommandLine(c *cli.Context, name string) bool {
	return c.IsSet(name)
}
