package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/collect/zoom"
)

func TestReadZoomSettings(t *testing.T) {
	env := map[string]string{"ZOOM_ACCOUNT_ID": "a", "ZOOM_CLIENT_ID": "c", "ZOOM_CLIENT_SECRET": "s3cr3t-value", "ZOOM_API_URL": "http://127.0.0.1:9/v2"}
	st := readZoomSettings(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	c := st.Credentials
	if c.AccountID != "a" || c.ClientID != "c" || c.ClientSecret != "s3cr3t-value" || c.AccessToken != "" || st.APIURL != "http://127.0.0.1:9/v2" || st.TokenURL != "" {
		t.Errorf("settings = %v %q %q", c, st.APIURL, st.TokenURL)
	}
	// Nothing secret in any printed form.
	if s := fmt.Sprintf("%v %+v %#v %s %v %+v", c, c, c, c, st, st); strings.Contains(s, "s3cr3t") {
		t.Errorf("settings print their secret: %s", s)
	}
}

// The Zoom client's errors name each setting by its key, and its flag when
// it has one, from the one list of settings.
func TestZoomSettingNames(t *testing.T) {
	for s, want := range map[zoom.Setting]string{
		zoom.SettingAPIURL:       "ZOOM_API_URL or --api-url",
		zoom.SettingTokenURL:     "ZOOM_TOKEN_URL or --token-url",
		zoom.SettingRate:         "--rate",
		zoom.SettingAccountID:    "ZOOM_ACCOUNT_ID",
		zoom.SettingClientID:     "ZOOM_CLIENT_ID",
		zoom.SettingClientSecret: "ZOOM_CLIENT_SECRET",
		zoom.SettingAccessToken:  "ZOOM_ACCESS_TOKEN",
	} {
		if got := zoomSettingName(s); got != want {
			t.Errorf("zoomSettingName(%v) = %q, want %q", s, got, want)
		}
	}
	for _, key := range zoomSettingKeys {
		if !strings.Contains(strings.Join(settingKeys(), " "), key) {
			t.Errorf("%s is not in the list of settings", key)
		}
	}
}
