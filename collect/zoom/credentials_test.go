package zoom

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func envFrom(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestSettingsFrom(t *testing.T) {
	st := SettingsFrom(envFrom(map[string]string{"ZOOM_ACCOUNT_ID": "a", "ZOOM_CLIENT_ID": "c",
		"ZOOM_CLIENT_SECRET": "s3cr3t-value", "ZOOM_API_URL": "http://127.0.0.1:9/v2"}))
	c := st.Credentials
	if c.AccountID != "a" || c.ClientID != "c" || c.ClientSecret != "s3cr3t-value" || st.APIURL != "http://127.0.0.1:9/v2" || st.TokenURL != "" {
		t.Errorf("settings = %v %q %q", c, st.APIURL, st.TokenURL)
	}
	// Nothing secret in any printed form.
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v %+v", st, st)} {
		if strings.Contains(s, "s3cr3t") {
			t.Errorf("credentials print their secret: %s", s)
		}
	}
}

func TestCredentialsValidate(t *testing.T) {
	for _, tc := range []struct {
		c    Credentials
		want string
	}{
		{Credentials{}, "no Zoom credentials"},
		{Credentials{ClientID: "c", ClientSecret: "s"}, "ZOOM_ACCOUNT_ID not set"},
		{Credentials{AccountID: "a"}, "ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET not set"},
		{Credentials{AccountID: "a", ClientID: "c", ClientSecret: "s"}, ""},
		{Credentials{AccessToken: "t"}, ""},
	} {
		err := tc.c.validate()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("validate(%v) = %v, want %q", tc.c, err, tc.want)
		}
	}
	if _, err := NewClient(ClientConfig{}); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("NewClient without credentials: %v", err)
	}
	if _, err := NewClient(ClientConfig{Credentials: Credentials{AccessToken: "t"}, APIURL: "ftp://x"}); err == nil {
		t.Error("a non-http API URL was accepted")
	}
}
