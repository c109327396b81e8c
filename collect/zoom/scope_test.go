package zoom

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
)

// Older answers say a scope is missing with HTTP 401 and code 104, which
// a new token does not mend: the error names the scopes as for code 4711,
// the webinar ones for a webinar.
func TestMissingScopeCode104(t *testing.T) {
	var refused atomic.Int32
	_, client, _ := wrapped(t, pastOnly(1, 3), func(fake http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/participants") {
				refused.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprint(w, `{"code":104,"message":"Invalid access token, does not contain scopes:[dashboard:read:list_webinar_participants:admin]."}`)
				return
			}
			fake.ServeHTTP(w, r)
		})
	})
	_, err := client.Get(context.Background(), Request{Path: "/metrics/webinars/123/participants", Query: url.Values{"type": {"past"}},
		Endpoint: "GET /metrics/webinars/{webinarId}/participants", Meeting: "123", Webinar: true, Want: ParticipantsPage})
	zoomtest.MustSay(t, "code 104", err, "webinar 123: GET /metrics/webinars/{webinarId}/participants: the app lacks the dashboard:read:list_webinar_participants:admin scope",
		"classic scope dashboard_webinars:read:admin", "dashboard:read:list_webinar_participants_qos:admin", "dashboard:read:webinar:admin", "dashboard:read:list_webinars:admin",
		"HTTP 401, Zoom code 104")
	if n := refused.Load(); n > 2 {
		t.Errorf("asked %d times; a missing scope is not mended by asking again", n)
	}
}
