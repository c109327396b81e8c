package zoom

import (
	"errors"
	"fmt"
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
func (c Credentials) GoString() string { return "zoom.Credentials{" + c.String() + "}" }

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

// Settings are the Zoom settings from the environment and the config file.
type Settings struct {
	Credentials Credentials
	APIURL      string
	TokenURL    string
}

// SettingKeys are the names Settings reads.
var SettingKeys = []string{EnvAccountID, EnvClientID, EnvClientSecret, EnvAccessToken, EnvAPIURL, EnvTokenURL}

// SettingsFrom reads the settings through lookup, which the caller makes
// consult the environment first and the config file next.
func SettingsFrom(lookup func(string) (string, bool)) Settings {
	get := func(k string) string {
		v, _ := lookup(k)
		return v
	}
	return Settings{
		Credentials: Credentials{AccountID: get(EnvAccountID), ClientID: get(EnvClientID),
			ClientSecret: get(EnvClientSecret), AccessToken: get(EnvAccessToken)},
		APIURL:   get(EnvAPIURL),
		TokenURL: get(EnvTokenURL),
	}
}
