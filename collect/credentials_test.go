package collect

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func envFrom(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadSettings(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	os.WriteFile(path, []byte(`# zoomqos settings
ZOOM_ACCOUNT_ID=acct-from-file
export ZOOM_CLIENT_ID = "client-from-file"
ZOOM_CLIENT_SECRET='file-secret'

ZOOM_API_URL=http://127.0.0.1:9/v2
`), 0o600)
	st, err := LoadSettings(envFrom(map[string]string{"ZOOM_CLIENT_SECRET": "env-secret"}), path)
	if err != nil {
		t.Fatal(err)
	}
	c := st.Credentials
	if c.AccountID != "acct-from-file" || c.ClientID != "client-from-file" || c.ClientSecret != "env-secret" || st.APIURL != "http://127.0.0.1:9/v2" {
		t.Errorf("settings = %+v (the environment wins over the file)", st)
	}
	if len(st.Warnings) != 0 {
		t.Errorf("warnings for a 0600 file: %v", st.Warnings)
	}
	// Nothing secret in any printed form.
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v %s", c, c, c, c)} {
		if strings.Contains(s, "secret") {
			t.Errorf("credentials print their secret: %s", s)
		}
	}

	os.Chmod(path, 0o644)
	st, _ = LoadSettings(envFrom(nil), path)
	if len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "chmod 600") {
		t.Errorf("warnings for a 0644 file: %v", st.Warnings)
	}

	// A missing file is no error; a bad line is, without echoing it.
	if _, err := LoadSettings(envFrom(nil), filepath.Join(dir, "none")); err != nil {
		t.Errorf("missing config file: %v", err)
	}
	os.WriteFile(path, []byte("ZOOM_CLIENT_SECRET=s3cr3t-value\nZOOM_SECRET_TYPO=s3cr3t-value\n"), 0o600)
	_, err = LoadSettings(envFrom(nil), path)
	if err == nil || !strings.Contains(err.Error(), "line 2") || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("bad config line: %v", err)
	}
	os.WriteFile(path, []byte("no equals sign s3cr3t\n"), 0o600)
	if _, err = LoadSettings(envFrom(nil), path); err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("line without =: %v", err)
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
