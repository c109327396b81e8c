package zoom

import (
	"net/url"
	"testing"
)

// The token endpoint is named in logs by its method and path.
func TestTokenEndpointName(t *testing.T) {
	for in, want := range map[string]string{
		"https://zoom.us/oauth/token":           "POST /oauth/token",
		"http://127.0.0.1:8080/oauth/token?x=1": "POST /oauth/token",
		"http://127.0.0.1:8080":                 "POST /",
	} {
		u, _ := url.Parse(in)
		if got := tokenEndpoint(u); got != want {
			t.Errorf("tokenEndpoint(%s) = %q, want %q", in, got, want)
		}
	}
}
