package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/store"
)

// The config file (--config) holds KEY=VALUE lines with the keys of the
// settings (settings.go).
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
