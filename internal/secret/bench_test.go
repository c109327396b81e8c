package secret

import "testing"

// BenchmarkScrub scrubs a log line of about 200 bytes, with no secret in
// it, with four secrets registered: the cost every line of stderr pays.
// "escapes" is a line with quotes escaped and a URL-encoded path, which
// Scrub also reads with its escapes undone.
func BenchmarkScrub(b *testing.B) {
	var s Set
	s.Add("Zk3vQ9xLmT2pW8rYc4nB6dHs1jF0aGe5", // a client secret
		"fz.6f1c0a9e4b7d2c8e3a5f1b0d9c7e2a4b6d8f0e1c3a5b7d9f", // an access token
		pass, "Sx9qZ+/w\"é<&\\Q7tailX")
	for name, line := range map[string]string{
		"plain":   `time=2026-07-01T10:00:00.000Z level=WARN msg="Zoom's servers failed (HTTP 503 Service Unavailable); retry 1 of 5 in 1.2s" endpoint="GET /metrics/meetings/{meetingId}/participants/qos" meeting=85012345678 page=3` + "\n",
		"escapes": `time=2026-07-01T10:00:00.000Z level=WARN msg="could not collect" meeting="/qSHeCt8w7u2Y+XJDQfeeA==" error="GET /metrics/meetings/%252FqSHeCt8w7u2Y%252B: Zoom says: \"Invalid\\/expired\"" page=3` + "\n",
	} {
		b.Run(name, func(b *testing.B) {
			if len(line) < 190 || len(line) > 230 || s.Scrub(line) != line {
				b.Fatalf("line of %d bytes, scrubbed to %q", len(line), s.Scrub(line))
			}
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				s.Scrub(line)
			}
		})
	}
}
