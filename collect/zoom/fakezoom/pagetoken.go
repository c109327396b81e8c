package fakezoom

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"
	"time"
)

// Paging: next_page_token values, which expire as Zoom's do, and the
// page_size rules.

// pageToken is what a next_page_token stands for. Zoom's expire after 15
// minutes.
type pageToken struct {
	Key    string `json:"k"` // what is being paged
	Offset int    `json:"o"`
	Issued int64  `json:"i"` // Clock time, Unix seconds
}

const pageTokenTTL = 15 * time.Minute

func (s *Server) issueToken(key string, offset int) string {
	b, _ := json.Marshal(pageToken{Key: key, Offset: offset, Issued: s.opts.Clock().Unix()})
	return base64.RawURLEncoding.EncodeToString(b)
}

// nextToken is the next_page_token of a list page that ends at end of
// total records, paging in steps of size from off: none after the last
// page. The repeat-token fault answers the token of the request again; the
// endless-pages fault issues one past the end, too.
func (s *Server) nextToken(q url.Values, key string, off, size, end, total int) string {
	if t := q.Get("next_page_token"); t != "" {
		if k := s.opts.Faults.RepeatTokenEvery; k > 0 && s.paged.Add(1)%int64(k) == 0 {
			return t
		}
	}
	switch {
	case end < total:
		return s.issueToken(key, end)
	case s.opts.Faults.EndlessPages:
		return s.issueToken(key, max(off, end)+size)
	}
	return ""
}

// offset reads a next_page_token for key; bad or expired ones get Zoom's
// code 300.
func (s *Server) offset(q url.Values, key string) (int, []byte) {
	t := q.Get("next_page_token")
	if t == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(t)
	var pt pageToken
	if err != nil || json.Unmarshal(b, &pt) != nil || pt.Key != key || pt.Offset < 0 ||
		s.opts.Clock().Sub(time.Unix(pt.Issued, 0)) > pageTokenTTL {
		return -1, zoomError(300, "The next page token is invalid or expired.")
	}
	return pt.Offset, nil
}

// pageSize reads page_size: default def, at most limit.
func pageSize(q url.Values, def, limit int) int {
	n, err := strconv.Atoi(q.Get("page_size"))
	if err != nil || n <= 0 {
		return def
	}
	return min(n, limit)
}
