package fakezoom

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func TestListPages(t *testing.T) {
	start := time.Date(2022, 3, 1, 10, 0, 0, 0, time.UTC)
	pages := ListPages(3, 4, 5, start)
	again := ListPages(3, 4, 5, start)
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	for i, p := range pages {
		if !bytes.Equal(p, again[i]) {
			t.Errorf("page %d differs between two calls with the same arguments", i)
		}
		var page struct {
			PageCount    int `json:"page_count"`
			Participants []struct {
				ID      string           `json:"id"`
				UserQoS []map[string]any `json:"user_qos"`
			} `json:"participants"`
		}
		if err := json.Unmarshal(p, &page); err != nil {
			t.Fatalf("page %d is not JSON: %v", i, err)
		}
		if page.PageCount != 3 || len(page.Participants) != 4 {
			t.Errorf("page %d: page_count %d, %d participants", i, page.PageCount, len(page.Participants))
		}
		for _, part := range page.Participants {
			if len(part.UserQoS) != 5 || len(part.UserQoS[0]) != 22 { // date_time and 21 streams
				t.Errorf("participant %s: %d samples of %d keys", part.ID, len(part.UserQoS), len(part.UserQoS[0]))
			}
		}
	}
}
