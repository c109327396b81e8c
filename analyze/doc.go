// Package analyze computes what zoomqos reports about call quality, as pure
// functions of the stored model: no I/O. The definitions below are a
// contract: reports, e-mails and exports show these numbers, and other
// tools can reproduce them from `zoomqos dump` or an export.
//
//   - Percentiles: per session, stream and metric, count, min, mean and the
//     type 7 percentiles (Hyndman and Fan: NumPy's, R's and DuckDB's
//     quantile_cont default) over the samples where the value is present.
//     Absent values are not counted. The meeting's table pools all sessions.
//   - Degraded sample: on a stream, any threshold breached (Thresholds).
//     Absent values never breach.
//   - Degradation window: per session and stream, degraded samples at most
//     2Δ apart (Δ: the session's median sample interval, 60 s with fewer
//     than two samples) form one window, from the first one's time to the
//     last one's plus Δ; windows of fewer than MinSamples degraded samples
//     are dropped.
//   - MOS: per audio sample, the simplified ITU-T G.107 E-model with R
//     clamped to [0, 100]; a session's stream is good (median MOS ≥ 4.0),
//     fair (≥ 3.6), poor (< 3.6) or unclassified (no MOS at all).
//   - Meeting-wide incident: consecutive minutes in each of which at least
//     half of the sessions active that minute, and at least three, are
//     degraded on some stream.
//   - Fleet roll-up: the same figures over many meetings, pooled by a
//     session property (device, location, network, client version, data
//     center, connection type) or by person (user: Zoom's participant id,
//     else the e-mail address case-folded, else the user name, so that
//     two people of the same name without either are one row, and a phone
//     caller without an id is keyed by the masked number Zoom names them
//     by). A group's worst stream is the one with the largest share of
//     degraded samples.
//   - Agreement with Zoom's ratings: per session and stream kind (audio:
//     audio_input and audio_output; video: video_input and video_output;
//     screen_share: as_input and as_output), zoomqos says degraded when
//     the session has at least one degradation window on a stream of the
//     kind, not degraded when it has samples with values of the kind but
//     no such window, and has no data otherwise. Zoom's rating (good,
//     fair, poor, bad; anything else or nothing is none) agrees when it is
//     good or fair and zoomqos says not degraded, or poor or bad and
//     zoomqos says degraded; the agreement rate is over the sessions with
//     both a rating and data.
//   - The why of an incident or a degradation window: which streams and
//     metrics breached, the worst value of each beside its threshold,
//     and what the affected sessions have in common that the unaffected
//     ones lack. For an incident, the affected sessions are those
//     degraded in any of its minutes and the unaffected the others in the
//     meeting then (from their first to their last minute); for a window,
//     the affected are the sessions with a window (any stream)
//     overlapping it, itself included, and the unaffected the others in
//     the meeting then, and its common factors are those its own session
//     has. The factors are data center, network type, location,
//     client version, device and IP prefix (the /24 of an IPv4 address,
//     the /48 of an IPv6 one; private, loopback and link-local addresses
//     have none). A factor value is common when at least 3
//     affected sessions have it, its share among the affected is at least
//     twice its share among the unaffected, and Fisher's exact test
//     (one-sided) gives p below 0.01 divided by the number of values
//     compared (those at least 3 affected sessions share: Bonferroni).
//     None passing: no common factor; and when even a factor every
//     affected session had and no unaffected one could not pass (fewer
//     than 3 affected, or too few unaffected), the why says so instead.
//
// analyze imports the model (store) and internal/parallel only. It does no
// I/O: it must not import bbolt, net/http, os or the packages that collect
// (collect) or present (report) data; its results (typed by store.Stream
// and store.Metric, written in JSON with their names) are what report
// shows.
package analyze
