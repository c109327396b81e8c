package analyze

// MOS is the mean opinion score of an audio stream from its one-way latency
// and jitter (ms) and average loss (%), by the simplified ITU-T G.107
// E-model that VoIP monitors use (PingPlotter's published formula):
//
//	eff = latency + 2·jitter + 10
//	R   = 93.2 − eff/40 when eff < 160, else 93.2 − (eff − 120)/10
//	R  −= 2.5 · loss, then clamped to [0, 100]
//	MOS = 1 + 0.035·R + 0.000007·R·(R − 60)·(100 − R)
//
// Without the clamp a negative R would make the MOS rise again.
func MOS(latencyMS, jitterMS, lossPct float64) float64 {
	eff := latencyMS + 2*jitterMS + 10
	var r float64
	if eff < 160 {
		r = 93.2 - eff/40
	} else {
		r = 93.2 - (eff-120)/10
	}
	r -= 2.5 * lossPct
	r = min(max(r, 0), 100)
	return 1 + 0.035*r + 0.000007*r*(r-60)*(100-r)
}

// Quality is a MOS bucket.
type Quality string

// The buckets, by a session's median MOS on a stream.
const (
	Good         Quality = "good"         // MOS ≥ 4.0
	Fair         Quality = "fair"         // MOS ≥ 3.6
	Poor         Quality = "poor"         // MOS < 3.6
	Unclassified Quality = "unclassified" // no MOS: the stream had no latency, jitter and loss together
)

// Qualities lists the buckets in report order.
var Qualities = []Quality{Good, Fair, Poor, Unclassified}

// bucket classifies a median MOS; ok false means there was none.
func bucket(median float64, ok bool) Quality {
	switch {
	case !ok:
		return Unclassified
	case median >= 4.0:
		return Good
	case median >= 3.6:
		return Fair
	}
	return Poor
}
