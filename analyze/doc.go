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
//     center).
package analyze
