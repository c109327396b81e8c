package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/collect"
)

// The config file (--config) holds KEY=VALUE lines: the Zoom settings and
// secrets (collect.SettingKeys) and the analyzer's thresholds
// (thresholdKeys). "#" starts a comment; "export " and quotes are allowed.
// The environment wins over the file, flags over both; secrets have no
// flags.

// config is the config file's values.
type config struct {
	path string
	vals map[string]string
}

// loadConfig reads the config file named by --config, once per run; a
// missing file is an empty config. It warns when others can read the file,
// which may hold secrets.
func loadConfig(c *cli.Context) (*config, error) {
	if cfg, ok := c.App.Metadata["config"].(*config); ok {
		return cfg, nil
	}
	path := c.String("config")
	cfg := &config{path: path, vals: map[string]string{}}
	if path != "" {
		f, err := os.Open(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("config file: %w", err)
		default:
			defer f.Close()
			if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
				logger(c).Warn(fmt.Sprintf("config file %s can be read by other users (mode %v): chmod 600 it", path, fi.Mode().Perm()))
			}
			if err := cfg.read(f); err != nil {
				return nil, err
			}
		}
	}
	c.App.Metadata["config"] = cfg
	return cfg, nil
}

// knownKey reports whether the config file may hold key.
func knownKey(key string) bool {
	return slices.Contains(collect.SettingKeys, key) || slices.Contains(thresholdKeys, key) || slices.Contains(mailKeys, key)
}

// read parses KEY=VALUE lines. Errors name the line, never its value: it
// may be a secret.
func (cfg *config) read(f *os.File) error {
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return fmt.Errorf("config file %s line %d: want KEY=VALUE", cfg.path, n)
		}
		if !knownKey(k) {
			if !looksLikeKey(k) { // perhaps a value in the wrong place: do not repeat it
				return fmt.Errorf("config file %s line %d: want KEY=VALUE", cfg.path, n)
			}
			return fmt.Errorf("config file %s line %d: unknown key %s (known: %s)", cfg.path, n, k,
				strings.Join(append(slices.Clone(collect.SettingKeys), thresholdKeys...), ", "))
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
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
