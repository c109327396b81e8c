package cli

import (
	"errors"
	"slices"

	"github.com/zoomqos/zoomqos/collect/zoom"
)

// The Zoom client of a run: its settings from the environment and the
// config file, and its errors worded with the names the user sets them by.

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
