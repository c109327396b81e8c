package collect

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Credentials authenticate to Zoom: Server-to-Server OAuth (account id,
// client id and secret) or a plain access token. They come from the
// environment or a config file, never from flags, and are never printed:
// String gives no secret away.
type Credentials struct {
	AccountID    string
	ClientID     string
	ClientSecret string
	AccessToken  string
}

// The environment variables and config-file keys zoomqos reads.
const (
	EnvAccountID    = "ZOOM_ACCOUNT_ID"
	EnvClientID     = "ZOOM_CLIENT_ID"
	EnvClientSecret = "ZOOM_CLIENT_SECRET"
	EnvAccessToken  = "ZOOM_ACCESS_TOKEN"
	EnvAPIURL       = "ZOOM_API_URL"
	EnvTokenURL     = "ZOOM_TOKEN_URL"
)

// ErrNoCredentials means neither OAuth credentials nor a token were given.
var ErrNoCredentials = errors.New("no Zoom credentials: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET " +
	"(a Server-to-Server OAuth app), or ZOOM_ACCESS_TOKEN, in the environment or the config file")

// String describes the credentials without their secrets.
func (c Credentials) String() string {
	switch {
	case c.ClientID != "":
		return fmt.Sprintf("Server-to-Server OAuth (account %s, client %s)", c.AccountID, c.ClientID)
	case c.AccessToken != "":
		return "an access token"
	}
	return "no credentials"
}

// GoString keeps %#v from printing secrets too.
func (c Credentials) GoString() string { return "collect.Credentials{" + c.String() + "}" }

// OAuth reports whether the credentials are for Server-to-Server OAuth.
func (c Credentials) OAuth() bool {
	return c.ClientID != "" || c.ClientSecret != "" || c.AccountID != ""
}

// secrets lists the values that must never be printed.
func (c Credentials) secrets() []string {
	var s []string
	for _, v := range []string{c.ClientSecret, c.AccessToken} {
		if len(v) >= 4 {
			s = append(s, v)
		}
	}
	return s
}

// validate checks that one complete way to authenticate is there.
func (c Credentials) validate() error {
	if !c.OAuth() {
		if c.AccessToken == "" {
			return ErrNoCredentials
		}
		return nil
	}
	var missing []string
	for _, kv := range [][2]string{{EnvAccountID, c.AccountID}, {EnvClientID, c.ClientID}, {EnvClientSecret, c.ClientSecret}} {
		if kv[1] == "" {
			missing = append(missing, kv[0])
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("incomplete Server-to-Server OAuth credentials: %s not set", strings.Join(missing, ", "))
	}
	return nil
}

// Settings are what the environment and the config file say, before flags.
type Settings struct {
	Credentials Credentials
	APIURL      string
	TokenURL    string
	// Warnings about the config file, such as its being readable by others.
	Warnings []string
}

// LoadSettings reads the config file (when path is not empty and the file
// exists) and then the environment, which wins. The file holds KEY=VALUE
// lines with the ZOOM_* names above; "#" starts a comment, "export " and
// quotes are allowed.
func LoadSettings(lookupEnv func(string) (string, bool), path string) (Settings, error) {
	vals := map[string]string{}
	var st Settings
	if path != "" {
		f, err := os.Open(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return st, fmt.Errorf("config file: %w", err)
		default:
			defer f.Close()
			if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
				st.Warnings = append(st.Warnings, fmt.Sprintf("config file %s can be read by other users (mode %v): chmod 600 it", path, fi.Mode().Perm()))
			}
			if err := readConfig(f, path, vals); err != nil {
				return st, err
			}
		}
	}
	for _, k := range []string{EnvAccountID, EnvClientID, EnvClientSecret, EnvAccessToken, EnvAPIURL, EnvTokenURL} {
		if v, ok := lookupEnv(k); ok && v != "" {
			vals[k] = v
		}
	}
	st.Credentials = Credentials{AccountID: vals[EnvAccountID], ClientID: vals[EnvClientID],
		ClientSecret: vals[EnvClientSecret], AccessToken: vals[EnvAccessToken]}
	st.APIURL, st.TokenURL = vals[EnvAPIURL], vals[EnvTokenURL]
	return st, nil
}

func readConfig(f *os.File, path string, vals map[string]string) error {
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
			return fmt.Errorf("config file %s line %d: want KEY=VALUE", path, n)
		}
		switch k {
		case EnvAccountID, EnvClientID, EnvClientSecret, EnvAccessToken, EnvAPIURL, EnvTokenURL:
		default:
			return fmt.Errorf("config file %s line %d: unknown key %s", path, n, k)
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		vals[k] = v
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}
