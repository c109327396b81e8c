package zoom

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Credentials print nothing secret, in any form.
func TestCredentialsKeepTheirSecrets(t *testing.T) {
	for _, c := range []Credentials{{AccountID: "a", ClientID: "c", ClientSecret: "s3cr3t-value"}, {AccessToken: "s3cr3t-token"}} {
		for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v", ClientConfig{Credentials: c})} {
			if strings.Contains(s, "s3cr3t") {
				t.Errorf("credentials print their secret: %s", s)
			}
		}
	}
}

func TestCredentialsValidate(t *testing.T) {
	for _, tc := range []struct {
		c    Credentials
		want string
	}{
		{Credentials{}, "no Zoom credentials"},
		{Credentials{ClientID: "c", ClientSecret: "s"}, "incomplete Server-to-Server OAuth credentials: Credentials.AccountID not set"},
		{Credentials{AccountID: "a"}, "incomplete Server-to-Server OAuth credentials: Credentials.ClientID, Credentials.ClientSecret not set"},
		{Credentials{AccountID: "a", ClientID: "c", ClientSecret: "s"}, ""},
		{Credentials{AccessToken: "t"}, ""},
	} {
		err := tc.c.validate(Setting.String)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("validate(%v) = %v, want %q", tc.c, err, tc.want)
		}
	}
	if _, err := NewClient(ClientConfig{}); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("NewClient without credentials: %v", err)
	}
	// The missing settings are named as the program names them.
	_, err := NewClient(ClientConfig{Credentials: Credentials{ClientID: "c"}, Name: func(s Setting) string { return "<" + s.String() + ">" }})
	if got, want := fmt.Sprint(err), "incomplete Server-to-Server OAuth credentials: <Credentials.AccountID>, <Credentials.ClientSecret> not set"; got != want {
		t.Errorf("NewClient with a client id alone: %s, want %s", got, want)
	}
	if _, err := NewClient(ClientConfig{Credentials: Credentials{AccessToken: "t"}, APIURL: "ftp://x"}); err == nil {
		t.Error("a non-http API URL was accepted")
	}
}
