package cli

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// A generated fleet for the fleet report's tests and benchmark: meetings
// over a span of days, drawn from a pool of people who come back meeting
// after meeting with their own device, network, location, client version,
// data center, connection type and office network. Every media stream and
// CPU each minute (45 values a sample, as desktop clients report), whole
// and decimal bitrates, and three kinds of trouble: a bad minute now and
// then, a person with a bad connection (their own windows, meeting after
// meeting), and meeting-wide incidents on one data center.

// fleetSpec shapes a generated fleet.
type fleetSpec struct {
	meetings int
	people   int
	days     int       // the meetings start over this many days from start
	start    time.Time // the first day
	sessions [2]int    // the fewest and most sessions a meeting has
	minutes  [2]int    // the shortest and longest meeting
	badDC    string    // the data center of the meeting-wide incidents
	seed     uint64
	prefix   string // of the meetings' ids: "gen" when empty
}

type fleetPerson struct {
	id, name, email                                      string
	device, network, location, version, dc, conn, ipAddr string
	flaky                                                bool // a bad connection: degraded for minutes in every meeting
}

var (
	genDevices   = []string{"Windows", "Mac", "iOS", "Android", "Linux", "Zoom Rooms"}
	genNetworks  = []string{"Wifi", "Wired", "Wifi", "Cellular", "Wired", "Others"}
	genLocations = []string{"Berlin (DE)", "London (GB)", "New York (US)", "São Paulo (BR)", "Singapore (SG)", "Sydney (AU)", "Paris (FR)"}
	genVersions  = []string{"6.2.0 (46690)", "6.1.11 (45124)", "6.0.12 (42018)", "5.17.11 (34827)"}
	genDCs       = []string{"FR (Frankfurt)", "AM (Amsterdam)", "NY (New York)", "SJ (San Jose)", "SY (Sydney)", "SC (Singapore)"}
	genConns     = []string{"UDP", "UDP", "UDP", "TCP", "SSL"}
)

// genFleet writes the fleet into the database at path and returns the
// number of samples written.
func genFleet(tb testing.TB, path string, spec fleetSpec) int {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(spec.seed, 7))
	people := make([]fleetPerson, spec.people)
	for i := range people {
		people[i] = fleetPerson{
			id: fmt.Sprintf("16778240%06d", i), name: fmt.Sprintf("Person %d", i), email: fmt.Sprintf("person%d@example.com", i),
			device: genDevices[r.IntN(len(genDevices))], network: genNetworks[r.IntN(len(genNetworks))],
			location: genLocations[r.IntN(len(genLocations))], version: genVersions[r.IntN(len(genVersions))],
			dc: genDCs[r.IntN(len(genDCs))], conn: genConns[r.IntN(len(genConns))],
			ipAddr: fmt.Sprintf("203.0.%d.%d", r.IntN(64), 1+r.IntN(250)), flaky: r.IntN(40) == 0,
		}
	}
	total := 0
	for mi := range spec.meetings {
		begin := spec.start.Add(time.Duration(r.IntN(spec.days*24*60)) * time.Minute)
		minutes := spec.minutes[0] + r.IntN(spec.minutes[1]-spec.minutes[0]+1)
		n := spec.sessions[0] + r.IntN(spec.sessions[1]-spec.sessions[0]+1)
		incident := -1
		if r.IntN(10) == 0 && minutes > 12 {
			incident = r.IntN(minutes - 10)
		}
		page := &store.Page{Meeting: store.Meeting{ID: fmt.Sprintf("%s%05d==", cmp.Or(spec.prefix, "gen"), mi), Type: store.Past, Number: fmt.Sprintf("8%010d", mi%700),
			Topic: fmt.Sprintf("Team sync %d", mi%300)}, Source: "generated", Raw: fmt.Appendf(nil, `{"generated":%d}`, mi)}
		seen := map[int]bool{}
		for range n {
			pi := r.IntN(len(people))
			if seen[pi] {
				continue
			}
			seen[pi] = true
			p := people[pi]
			s := store.Session{Participant: p.id, ID: p.id, UserName: p.name, Email: p.email, JoinTime: begin,
				Device: p.device, NetworkType: p.network, Location: p.location, Version: p.version, DataCenter: p.dc,
				ConnectionType: p.conn, IPAddress: p.ipAddr}
			if incident >= 0 && r.IntN(3) > 0 {
				s.DataCenter = spec.badDC // the incident's sessions meet on one data center
			}
			ss := store.SessionSamples{Session: s}
			decimals := r.IntN(4) == 0
			base := 20 + r.Float64()*60
			for m := range minutes {
				bad := r.IntN(60) == 0 ||
					(p.flaky && m%20 >= 5 && m%20 < 9) ||
					(incident >= 0 && s.DataCenter == spec.badDC && m >= incident && m < incident+6)
				smp := store.Sample{Time: begin.Add(time.Duration(m+1) * time.Minute)}
				for _, st := range []store.Stream{store.AudioInput, store.AudioOutput, store.VideoInput, store.VideoOutput, store.ASInput, store.ASOutput} {
					l := float64(int(base) + r.IntN(10))
					loss := float64(r.IntN(8)) / 10
					if bad {
						l += 250
						loss += 4
					}
					bitrate := float64(r.IntN(2000))
					if decimals {
						bitrate = float64(r.IntN(200000)) / 100
					}
					smp.Values = append(smp.Values,
						store.Value{Stream: st, Metric: store.Bitrate, V: bitrate},
						store.Value{Stream: st, Metric: store.Latency, V: l},
						store.Value{Stream: st, Metric: store.Jitter, V: float64(r.IntN(12))},
						store.Value{Stream: st, Metric: store.AvgLoss, V: loss},
						store.Value{Stream: st, Metric: store.MaxLoss, V: loss + float64(r.IntN(30))/10})
					if st.Kind() == store.KindVideo {
						smp.Values = append(smp.Values,
							store.Value{Stream: st, Metric: store.FrameRate, V: float64(15 + r.IntN(16))},
							store.Value{Stream: st, Metric: store.Width, V: 1280}, store.Value{Stream: st, Metric: store.Height, V: 720})
					}
				}
				smp.Values = append(smp.Values,
					store.Value{Stream: store.CPUUsage, Metric: store.ZoomMinCPU, V: float64(r.IntN(10))},
					store.Value{Stream: store.CPUUsage, Metric: store.ZoomAvgCPU, V: float64(10 + r.IntN(20))},
					store.Value{Stream: store.CPUUsage, Metric: store.ZoomMaxCPU, V: float64(30 + r.IntN(30))},
					store.Value{Stream: store.CPUUsage, Metric: store.SystemMaxCPU, V: float64(40 + r.IntN(50))})
				smp.Normalize()
				ss.Samples = append(ss.Samples, smp)
			}
			total += len(ss.Samples)
			page.Sessions = append(page.Sessions, ss)
		}
		if _, err := db.PutPage(ctx, page); err != nil {
			tb.Fatal(err)
		}
	}
	return total
}
