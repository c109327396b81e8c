package analyze

import (
	"cmp"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// The "why" of a meeting-wide incident or a degradation window: what
// breached and by how much, and what the sessions it affected have in
// common that the others lack. The rule is in the package doc (Why).

// Why explains an incident or a window.
type Why struct {
	// Breaches are the streams and metrics that breached their
	// thresholds, the worst first relative to its threshold.
	Breaches []Breach `json:"breaches"`
	// Affected counts the sessions it affected; Unaffected those active
	// at the time that it did not.
	Affected   int `json:"affected"`
	Unaffected int `json:"unaffected"`
	// Common are the factors the affected sessions share that the
	// unaffected ones lack, strongest first; empty: no common factor. A
	// window's lists only those its own session has.
	Common []Factor `json:"common"`
	// Note, when no factor could pass the rule whatever the sessions had,
	// says why: too few sessions affected, or too few unaffected to
	// compare with.
	Note string `json:"note,omitempty"`
}

// Breach is a stream's metric beyond its threshold.
type Breach struct {
	Stream    store.Stream `json:"stream"`
	Metric    store.Metric `json:"metric"`
	Worst     float64      `json:"worst"`     // the worst value seen
	Threshold float64      `json:"threshold"` // the threshold it breached
	Sessions  int          `json:"sessions"`  // affected sessions that breached it
}

// Factor is a property value the affected sessions share.
type Factor struct {
	Kind       FactorKind `json:"kind"`
	Value      string     `json:"value"`
	Affected   int        `json:"affected"`   // affected sessions with it
	Unaffected int        `json:"unaffected"` // unaffected sessions with it
	P          float64    `json:"p"`          // Fisher's exact test, one-sided
}

// FactorKind is a session property the "why" compares.
type FactorKind string

// The factors, in the order they are compared.
const (
	FactorDataCenter  FactorKind = "data_center"
	FactorNetworkType FactorKind = "network_type"
	FactorLocation    FactorKind = "location"
	FactorVersion     FactorKind = "version"
	FactorDevice      FactorKind = "device"
	FactorIPPrefix    FactorKind = "ip_prefix" // the /24 of an IPv4 address, the /48 of an IPv6 one
)

var factorKinds = [...]FactorKind{FactorDataCenter, FactorNetworkType, FactorLocation, FactorVersion, FactorDevice, FactorIPPrefix}

const numFactors = len(factorKinds)

// The rule's parameters.
const (
	// WhyMinSessions: a common factor is shared by at least this many
	// affected sessions.
	WhyMinSessions = 3
	// WhyMinRatio: its share among the affected is at least this many
	// times its share among the unaffected.
	WhyMinRatio = 2.0
	// WhyMaxP: Fisher's exact test (one-sided: more common among the
	// affected) gives a p below this, divided by the number of values
	// compared (Bonferroni: a meeting offers a dozen or more values, and
	// chance alone would pass one of them in one meeting in ten).
	WhyMaxP = 0.01
)

// factorsOf are a session's factor values; "" where Zoom did not say.
func factorsOf(s *store.Session) [numFactors]string {
	return [numFactors]string{s.DataCenter, s.NetworkType, s.Location, s.Version, s.Device, ipPrefix(s.IPAddress)}
}

// ipPrefix is the network an address is in: its /24 (IPv4) or /48 (IPv6);
// "" for what is not an address (Zoom masks some).
func ipPrefix(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	a = a.Unmap()
	if !a.IsGlobalUnicast() || a.IsPrivate() {
		// 0.0.0.0, loopback, link-local, and the private ranges a home
		// router hands out (192.168.1.0/24 in half the homes of a
		// country): not a network sessions can be said to share.
		return ""
	}
	bits := 24
	if a.Is6() {
		bits = 48
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return ""
	}
	return p.String()
}

// whySession is what the "why" needs of a session.
type whySession struct {
	factors     [numFactors]string
	ids         [numFactors]int32
	first, last int64 // its first and last active minute (Unix minutes)
}

// commonFactors applies the rule to the sessions affected and those not.
func commonFactors(sessions []whySession, affected, unaffected []int, sc *whyScratch) []Factor {
	var out []Factor
	na, nu := len(affected), len(unaffected)
	if na < WhyMinSessions {
		return []Factor{}
	}
	compared := 0 // values shared by enough affected sessions to be compared
	for k := range numFactors {
		inA, inU := sc.a[k], sc.u[k]
		clear(inA)
		for _, i := range affected {
			if v := sessions[i].ids[k]; v >= 0 {
				inA[v]++
			}
		}
		uDone := false
		for _, i := range affected {
			v := sessions[i].ids[k]
			if v < 0 || inA[v] < WhyMinSessions {
				continue
			}
			a := int(inA[v])
			inA[v] = -inA[v] // seen
			compared++
			if !uDone {
				clear(inU)
				for _, j := range unaffected {
					if w := sessions[j].ids[k]; w >= 0 {
						inU[w]++
					}
				}
				uDone = true
			}
			u := int(inU[v])
			// share among the affected ≥ ratio × share among the unaffected
			if nu > 0 && float64(a)*float64(nu) < WhyMinRatio*float64(u)*float64(na) {
				continue
			}
			out = append(out, Factor{Kind: factorKinds[k], Value: sessions[i].factors[k], Affected: a, Unaffected: u, P: fisherGreater(a, na-a, u, nu-u)})
		}
	}
	out = slices.DeleteFunc(out, func(f Factor) bool { return f.P >= WhyMaxP/float64(compared) })
	slices.SortFunc(out, func(x, y Factor) int {
		return cmp.Or(cmp.Compare(x.P, y.P), cmp.Compare(y.Affected, x.Affected), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Value, y.Value))
	})
	if out == nil {
		out = []Factor{}
	}
	return out
}

// whyScratch is the counts per factor value that commonFactors reuses from
// one incident or window to the next: affected (a) and unaffected (u).
type whyScratch struct{ a, u [numFactors][]int32 }

// newWhyScratch numbers each factor's values in the sessions' ids (-1 for
// none), so that counting them needs no map, and makes the counts.
func newWhyScratch(sessions []whySession) *whyScratch {
	sc := &whyScratch{}
	for k := range numFactors {
		ids := map[string]int32{}
		for i := range sessions {
			v := sessions[i].factors[k]
			if v == "" {
				sessions[i].ids[k] = -1
				continue
			}
			id, ok := ids[v]
			if !ok {
				id = int32(len(ids))
				ids[v] = id
			}
			sessions[i].ids[k] = id
		}
		sc.a[k] = make([]int32, len(ids))
		sc.u[k] = make([]int32, len(ids))
	}
	return sc
}

// fisherGreater is the one-sided p of Fisher's exact test that the first
// row's first column is as large as a or larger: the table
//
//	a b   (affected: with the factor, without)
//	c d   (unaffected: with, without)
//
// with its margins fixed.
func fisherGreater(a, b, c, d int) float64 {
	n := a + b + c + d
	k := a + c // with the factor
	r := a + b // affected
	lc := func(n, k int) float64 { return lgamma(n+1) - lgamma(k+1) - lgamma(n-k+1) }
	// The terms from x = a up, each from the one before; past the mode
	// they shrink, and stop counting once they are 1e-17 of the sum.
	t := math.Exp(lc(k, a) + lc(n-k, r-a) - lc(n, r))
	p := 0.0
	for x := a; x <= min(k, r) && t > 0; x++ {
		p += t
		if t < p*1e-17 {
			break
		}
		t *= float64(k-x) * float64(r-x) / (float64(x+1) * float64(n-k-r+x+1))
	}
	return min(p, 1)
}

func lgamma(x int) float64 {
	v, _ := math.Lgamma(float64(x))
	return v
}

// explain works out the why of every incident and window of a meeting.
// Windows are in start order, their session fields index sessions; a
// session is taken to be in the meeting from its first active minute to
// its last.
func explain(r *MeetingResult, sessions []whySession, minutes map[int64]*minuteCount, th *Thresholds) {
	ws := r.Windows
	sc := newWhyScratch(sessions)
	maxEnd := make([]time.Time, len(ws)) // the latest end of ws[:i+1]
	for i := range ws {
		maxEnd[i] = ws[i].End
		if i > 0 && maxEnd[i-1].After(ws[i].End) {
			maxEnd[i] = maxEnd[i-1]
		}
	}
	// overlapping calls fn with every window that overlaps [from, to):
	// those that start before to, and not so long before from that they
	// must have ended.
	overlapping := func(from, to time.Time, fn func(w *Window)) {
		lo, _ := slices.BinarySearchFunc(maxEnd, from, func(e, t time.Time) int {
			if e.After(t) {
				return 1
			}
			return -1
		})
		for j := lo; j < len(ws) && ws[j].Start.Before(to); j++ {
			if from.Before(ws[j].End) {
				fn(&ws[j])
			}
		}
	}
	// present lists the sessions in the meeting during [from, to) minutes.
	present := func(from, to int64, affected map[int]bool) (aff, un []int) {
		for s := range sessions {
			switch {
			case affected[s]:
				aff = append(aff, s)
			case sessions[s].last >= from && sessions[s].first < to:
				un = append(un, s)
			}
		}
		return aff, un
	}
	for i := range r.Incidents {
		in := &r.Incidents[i]
		from, to := in.Start.Unix()/60, in.End.Unix()/60
		affected := map[int]bool{}
		for m := from; m < to; m++ {
			if c := minutes[m]; c != nil {
				for _, s := range c.sessions {
					affected[s] = true
				}
			}
		}
		aff, un := present(from, to, affected)
		var hit []*Window
		overlapping(in.Start, in.End, func(w *Window) {
			if affected[w.session] {
				hit = append(hit, w)
			}
		})
		in.Why = &Why{Breaches: breaches(hit, th), Affected: len(aff), Unaffected: len(un), Common: commonFactors(sessions, aff, un, sc),
			Note: whyNote(len(aff), len(un))}
		slices.SortStableFunc(in.Why.Breaches, func(a, b Breach) int { return cmp.Compare(b.Sessions, a.Sessions) })
	}
	// Windows over the same span share who was affected: worked out once.
	type span struct{ from, to time.Time }
	type who struct {
		affected, unaffected int
		common               []Factor
	}
	seen := map[span]who{}
	stamp, gen := make([]int32, len(sessions)), int32(0)
	for i := range ws {
		w := &ws[i]
		c, ok := seen[span{w.Start, w.End}]
		if !ok {
			gen++
			overlapping(w.Start, w.End, func(o *Window) { stamp[o.session] = gen })
			var aff, un []int
			from, to := w.Start.Unix()/60, (w.End.Unix()+59)/60
			for s := range sessions {
				switch {
				case stamp[s] == gen:
					aff = append(aff, s)
				case sessions[s].last >= from && sessions[s].first < to:
					un = append(un, s)
				}
			}
			c = who{len(aff), len(un), commonFactors(sessions, aff, un, sc)}
			seen[span{w.Start, w.End}] = c
		}
		w.Why = &Why{Breaches: breaches([]*Window{w}, th), Affected: c.affected, Unaffected: c.unaffected,
			Common: ownFactors(c.common, &sessions[w.session]), Note: whyNote(c.affected, c.unaffected)}
	}
}

// ownFactors keeps the common factors a session has: what a window's
// session shares with the others degraded at the time.
func ownFactors(common []Factor, s *whySession) []Factor {
	out := []Factor{}
	for _, f := range common {
		if k := slices.Index(factorKinds[:], f.Kind); k >= 0 && s.factors[k] == f.Value {
			out = append(out, f)
		}
	}
	return out
}

// whyNote says why no factor could pass the rule whatever the sessions
// had, or "" when one could have.
func whyNote(affected, unaffected int) string {
	switch {
	case affected < WhyMinSessions:
		return fmt.Sprintf("fewer than %d sessions affected", WhyMinSessions)
	case unaffected == 0:
		return "every session in the meeting at the time was affected, none to compare with"
	case fisherGreater(affected, 0, 0, unaffected) >= WhyMaxP:
		// Even a factor all the affected had and no unaffected one would
		// not pass.
		return "too few unaffected sessions to compare with"
	}
	return ""
}

// breaches sums up windows' breached metrics: per stream and metric the
// worst value and the sessions, the worst relative to its threshold
// first.
func breaches(ws []*Window, th *Thresholds) []Breach {
	type key struct {
		st store.Stream
		m  store.Metric
	}
	worst := map[key]float64{}
	who := map[key]map[string]bool{}
	for _, w := range ws {
		for _, m := range w.Breached {
			k := key{w.Stream, m}
			v := w.Worst[m]
			if old, ok := worst[k]; !ok || worse(m, v, old) {
				worst[k] = v
			}
			if who[k] == nil {
				who[k] = map[string]bool{}
			}
			who[k][w.Participant+"\x00"+w.Session] = true
		}
	}
	out := []Breach{}
	for k, v := range worst {
		limit, _ := th.Limit(k.m)
		out = append(out, Breach{Stream: k.st, Metric: k.m, Worst: v, Threshold: limit, Sessions: len(who[k])})
	}
	slices.SortFunc(out, func(a, b Breach) int {
		return cmp.Or(cmp.Compare(severity(b), severity(a)), cmp.Compare(a.Stream, b.Stream), cmp.Compare(a.Metric, b.Metric))
	})
	return out
}

// severity is how far beyond its threshold a breach went, as a ratio.
func severity(b Breach) float64 {
	switch {
	case b.Threshold <= 0:
		return 1
	case b.Metric == store.FrameRate:
		return b.Threshold / max(b.Worst, 0.5)
	}
	return b.Worst / b.Threshold
}
