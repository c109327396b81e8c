// Package fakezoom is a fake Zoom account behind Zoom's API, for tests,
// benchmarks and demos: the Server-to-Server OAuth token endpoint and the
// /metrics endpoints, answering exactly what Zoom answers. Each endpoint
// has the fields Zoom's spec (testdata/zoom/openapi-metrics.json) gives
// that endpoint, and the fields Zoom's changelog added since, and nothing
// else; the package's tests validate every answer against the spec.
//
// The endpoints (each also under /metrics/webinars):
//
//   - GET /metrics/meetings: the meetings list (discovery); type past
//     (ended, two people or more), pastOne (ended, one person) or live.
//     Resource-intensive: its own per-minute limit (Options.ListPerMinute).
//   - GET /metrics/meetings/{meetingId}: meeting details, by number (the
//     latest instance) or UUID. The webinar details, which the spec copy
//     lacks, answer a webinars list entry.
//   - GET /metrics/meetings/{meetingId}/participants: one entry per
//     session (join), page_size up to 300, with what the QoS answers lack:
//     network_type, data_center, full_data_center, connection_type, Zoom's
//     audio_quality, video_quality and screen_share_quality ratings, roles,
//     devices, leave reasons, PSTN numbers, breakout rooms.
//   - GET /metrics/meetings/{meetingId}/participants/qos and
//     .../participants/{participantId}/qos: the QoS samples, a page of at
//     most 10 sessions. Participants of newer clients carry the changelog's
//     email, client, health, issue_list, as_connection_type,
//     video_connection_type, meeting_number, rc_reason and *_socket_break
//     counters, and their samples wifi_rssi and cpu_pressure_level.
//
// A session has the same id, user_id, join_time and leave_time in every
// endpoint, so that a client can match them. Zoom's quality ratings and
// the QoS health come from the values the samples are written from (see
// quality.go for the rule). Server.SessionDetails tells what each session
// should have been stored as.
//
// The data depends only on Options.Seed and the epoch; pages give the same
// bytes in any order. Faults switch on Zoom's and proxies' misbehaviour:
// 429 bursts, 5xx, slow, truncated, stalled and hung answers, expired
// tokens, repeated or endless page tokens, missing scopes.
//
// ListPages makes QoS list pages on their own, without a server.
//
// The same meetings give Zoom's push events (events.go): QoS Subscription
// (QSS) and alert event notifications, as Server.Events returns them in
// the order Zoom sends them. Each session gives a participant_data event
// at join (what the participants list tells of it), a participant_qos
// event a minute while in the meeting, carrying exactly the sample the
// QoS API gives for that session and minute (the same stream names,
// values and value shapes; date_time in half the meetings, by index
// parity, since Zoom's docs do not promise it, event_ts a few hundred
// milliseconds after the minute), and a participant_qos_summary event when
// it leaves (min_, avg_ and max_ of its samples). A meeting gives an alert
// when an episode of bad quality begins (its incident, a person's Wi-Fi or
// CPU episode, a rejoin). Webinars give the webinar.* events. They reach
// a receiver two ways:
//
//   - Sender posts them to a webhook endpoint as Zoom does: the
//     endpoint.url_validation handshake first (a wrong answer is
//     ErrValidation), each request signed (x-zm-request-timestamp,
//     x-zm-signature, see Signature), retried after SenderOptions.Retries
//     when not answered 2xx within 3 s, then dropped; at a rate or as fast
//     as its concurrency allows, replaying a range (Send) or live (Live),
//     every Nth event twice if asked. Its ledger (Ledger, Acked, Stats)
//     tells what the endpoint acknowledged, and the answer times.
//   - GET /ws?subscriptionId=ID&access_token=TOKEN is Zoom's WebSocket:
//     a token from the OAuth endpoint, unexpired (else 401), a
//     subscription id (Options.Subscription if set); events as
//     {"module":"message","content":"<event JSON>"}, heartbeats answered,
//     a client silent for Options.HeartbeatTimeout dropped, the ws-close
//     fault closing every connection after N messages. Nothing is kept
//     for a client that is not connected.
//
// fakezoom writes Zoom's JSON itself, from Zoom's spec: it must not import
// collect or collect/zoom, so that the client and the parser are tested
// against Zoom's answers and not against their own reading of them. It
// imports store only for the list of streams, so that ListPages carries a
// sample of every stream the model knows.
package fakezoom
