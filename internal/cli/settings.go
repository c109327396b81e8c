package cli

import (
	"errors"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"time"
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
	{"ZOOMQOS_TZ", "tz", false, "the time zone reports, e-mails and tables show times in (JSON, CSV and exports stay UTC)", checkZone},
	{"ZOOM_ACCOUNT_ID", "", false, "Server-to-Server OAuth account id", nil},
	{"ZOOM_CLIENT_ID", "", false, "Server-to-Server OAuth client id", nil},
	{"ZOOM_CLIENT_SECRET", "", true, "Server-to-Server OAuth client secret", nil},
	{"ZOOM_ACCESS_TOKEN", "", true, "a plain access token instead of OAuth", nil},
	{"ZOOM_WEBHOOK_SECRET_TOKEN", "", true, "the secret token of the Zoom app whose webhooks listen receives", nil},
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
