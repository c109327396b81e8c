package zoom

import (
	"errors"
	"fmt"
	"strings"
)

// Credentials authenticate to Zoom: Server-to-Server OAuth (account id,
// client id and secret) or a plain access token. They are secrets, never
// printed (String gives none away), and a program should not take them
// from flags, which other users of the machine can see.
type Credentials struct {
	AccountID    string
	ClientID     string
	ClientSecret string
	AccessToken  string
}

// ErrNoCredentials means neither OAuth credentials nor a token were given.
var ErrNoCredentials = errors.New("no Zoom credentials: neither Server-to-Server OAuth credentials nor an access token")

// A Setting is something the user of a Client chose that an error may ask
// them to check or change. Errors name it through ClientConfig.Name, so
// that a program can name it the way its users set it (an environment
// variable, a flag); by default they name the field a Go program sets.
type Setting int

// The settings errors name.
const (
	SettingAPIURL       Setting = iota + 1 // ClientConfig.APIURL
	SettingTokenURL                        // ClientConfig.TokenURL
	SettingRate                            // ClientConfig.Rate
	SettingAccountID                       // Credentials.AccountID
	SettingClientID                        // Credentials.ClientID
	SettingClientSecret                    // Credentials.ClientSecret
	SettingAccessToken                     // Credentials.AccessToken
)

// String names the field that holds the setting: "ClientConfig.APIURL".
func (s Setting) String() string {
	switch s {
	case SettingAPIURL:
		return "ClientConfig.APIURL"
	case SettingTokenURL:
		return "ClientConfig.TokenURL"
	case SettingRate:
		return "ClientConfig.Rate"
	case SettingAccountID:
		return "Credentials.AccountID"
	case SettingClientID:
		return "Credentials.ClientID"
	case SettingClientSecret:
		return "Credentials.ClientSecret"
	case SettingAccessToken:
		return "Credentials.AccessToken"
	}
	return fmt.Sprintf("Setting(%d)", int(s))
}

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

// validate checks that one complete way to authenticate is there; name
// names the settings that are missing.
func (c Credentials) validate(name func(Setting) string) error {
	if !c.OAuth() {
		if c.AccessToken == "" {
			return ErrNoCredentials
		}
		return nil
	}
	var missing []string
	for _, f := range []struct {
		setting Setting
		value   string
	}{{SettingAccountID, c.AccountID}, {SettingClientID, c.ClientID}, {SettingClientSecret, c.ClientSecret}} {
		if f.value == "" {
			missing = append(missing, name(f.setting))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("incomplete Server-to-Server OAuth credentials: %s not set", strings.Join(missing, ", "))
	}
	return nil
}
