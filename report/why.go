package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/store"
)

// The why of an incident or a window in words, as the terminal table,
// the page and the e-mail show it.

// whyShown is how many breaches and factors a line shows; the rest are
// counted ("and 4 more"), so that the line stays readable.
const whyShown = 3

// WhyBreaches says what breached and by how much, the worst first:
// "audio_input latency_ms up to 420 (threshold 150) in 12 sessions;
// audio_input jitter_ms up to 61 (30)". Empty when nothing breached a
// threshold.
func WhyBreaches(w *analyze.Why) string {
	if w == nil {
		return ""
	}
	// The media legs and CPU first: the device-to-server legs echo them.
	shown := slices.Clone(w.Breaches)
	slices.SortStableFunc(shown, func(a, b analyze.Breach) int {
		return cmp.Compare(mainRank(a.Stream), mainRank(b.Stream))
	})
	var parts []string
	for i, b := range shown[:min(whyShown, len(shown))] {
		s := b.Stream.String() + " " + b.Metric.String()
		if b.Metric == store.FrameRate {
			s += " down to " + Num(b.Worst)
		} else {
			s += " up to " + Num(b.Worst)
		}
		if i == 0 {
			s += " (threshold " + Num(b.Threshold) + ")"
		} else {
			s += " (" + Num(b.Threshold) + ")"
		}
		if w.Affected > 1 {
			s += " in " + plural(b.Sessions, "session")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ") + more(len(w.Breaches), "breaches")
}

func mainRank(st store.Stream) int {
	if MainStream(st) {
		return 0
	}
	return 1
}

// more counts what a line leaves out.
func more(n int, what string) string {
	if n <= whyShown {
		return ""
	}
	return fmt.Sprintf("; and %d more %s", n-whyShown, what)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// WhyCommon says what the affected sessions share: `data center "SC
// (Singapore)": 9 of 12 affected, 1 of 20 unaffected (p 0.00012)`, or "no
// common factor (12 affected, 20 not)". Values from Zoom are shown as
// DisplayText makes them.
func WhyCommon(w *analyze.Why) string {
	if w == nil {
		return ""
	}
	if len(w.Common) == 0 {
		if w.Note != "" {
			return fmt.Sprintf("cannot tell a common factor: %s (%d affected, %d not)", w.Note, w.Affected, w.Unaffected)
		}
		return fmt.Sprintf("no common factor: no data center, network, location, client version, device or IP prefix "+
			"sets the %s affected apart from the %d unaffected", plural(w.Affected, "session"), w.Unaffected)
	}
	var parts []string
	for _, f := range w.Common[:min(whyShown, len(w.Common))] {
		parts = append(parts, fmt.Sprintf("%s \"%s\": %d of %d affected, %d of %d unaffected (p %.2g)",
			factorWords[f.Kind], DisplayText(f.Value, 40), f.Affected, w.Affected, f.Unaffected, w.Unaffected, f.P))
	}
	return strings.Join(parts, "; ") + more(len(w.Common), "factors")
}

var factorWords = map[analyze.FactorKind]string{
	analyze.FactorDataCenter: "data center", analyze.FactorNetworkType: "network", analyze.FactorLocation: "location",
	analyze.FactorVersion: "client version", analyze.FactorDevice: "device", analyze.FactorIPPrefix: "IP prefix",
}
