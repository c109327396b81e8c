// Package zoom is Zoom's API and wire format as zoomqos uses them.
//
// The API: a Client calls the /metrics endpoints with Server-to-Server
// OAuth tokens (renewed before they expire, and once after a 401) or a
// fixed token; it keeps Zoom's rate limits on its side (Heavy requests a
// second, Resource-intensive ones a minute), retries what is worth
// retrying (429s, 5xx answers, network errors, answers that never came,
// stalled, cut off or not what was asked for) and reports the rest in
// plain words (APIError, DailyLimitError), with every secret scrubbed from
// what it logs and returns. A Pager follows a list's next_page_token and
// stops a list that would never end.
//
// The wire format: Documents splits saved answers into JSON documents,
// and a Parser reads one (a QoS page, a participants page, one
// participant's QoS, a meeting's details) into store's model, values in
// Zoom's string shapes included, keeping what it could not read in
// Problems. A Page is one parsed document.
//
// zoom changes when Zoom does. It imports store (the model it decodes
// into) and internal/secret; it must not import collect, the command line
// (internal/cli), analyze or report, nor, outside its tests,
// collect/zoom/fakezoom. It names no flag or environment variable: its
// errors name the settings a user chose through ClientConfig.Name, and a
// caller adds its own advice to sentinels and types such as
// ErrNoCredentials and ListError.
package zoom
