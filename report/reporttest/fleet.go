package reporttest

import (
	"cmp"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/internal/parallel"
	"github.com/zoomqos/zoomqos/store"
)

// The fleet the fleet report's tests draw: meetings spread over November
// 2026, their sessions taken from a pool of people who each keep their
// device, network, location, client version, data center and connection
// type from meeting to meeting.

// FleetFrom and FleetTo bound the month FleetMeeting's meetings start in.
var (
	FleetFrom = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	FleetTo   = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
)

// FleetLocations are the people's locations, a hostile one among them so
// that it is a group of the roll-ups and a line of the trends.
var FleetLocations = []string{"Berlin (DE)", "Paris (FR)", HostileImg, "São Paulo (BR)", "Singapore (SG)"}

// FleetPeople is how many people the meetings of a fleet of n meetings of
// the given sessions each are drawn from.
func FleetPeople(n, sessions int) int { return max(40, sessions+1, n*sessions/100) }

// FleetMeeting makes meeting k of a fleet of n meetings, each of the
// given sessions over the given minutes, starting on day 30·k/n of
// November. What happens in it:
//   - every fifth person (0, 5, 10, …) is on "Cellular" and has 5 minutes
//     of 300 ms latency in two meetings of three;
//   - in the second half of the month the sessions on PlantedDataCenter
//     have 400 ms of latency for 4 minutes: the data center's trend rises;
//   - every tenth meeting (3, 13, …) two thirds of its sessions are routed
//     to PlantedDataCenter and suffer for 3 minutes in its middle (a
//     meeting-wide incident whose why names that data center);
//   - every tenth meeting (8, 18, …) everyone suffers for 3 minutes in its
//     middle (an incident with no one unaffected to compare with).
//
// Person 0 is named HostileScript, person 5 HostileImg; meeting 0's topic
// is HostileTopic. The data is the same for the same arguments.
func FleetMeeting(k, n, sessions, minutes int) (store.Meeting, []store.SessionSamples) {
	r := rand.New(rand.NewPCG(uint64(k), uint64(n)))
	day := k * 30 / max(1, n)
	start := FleetFrom.AddDate(0, 0, day).Add(time.Duration(8+k%9)*time.Hour + time.Duration(k%4)*15*time.Minute)
	id := strconv.Itoa(87000000000 + k)
	m := store.Meeting{ID: id, Number: id, Type: store.Past, Topic: "Weekly sync " + strconv.Itoa(k%17)}
	switch k {
	case 0:
		m.Topic = HostileTopic
	case 1:
		m.Topic = ""
	}
	people := FleetPeople(n, sessions)
	used := make(map[int]bool, sessions)
	out := make([]store.SessionSamples, sessions)
	first := r.IntN(people)
	for j := range out {
		p := (first + j*13) % people
		for used[p] {
			p = (p + 1) % people
		}
		used[p] = true
		s := fleetPerson(p)
		hit := k%10 == 8 || (k%10 == 3 && 3*j < 2*sessions)
		if k%10 == 3 {
			s.DataCenter = []string{"FR (Frankfurt)", PlantedDataCenter}[btoi(hit)]
		}
		s.JoinTime = start.Add(time.Duration(r.IntN(3)) * time.Minute)
		s.LeaveTime = s.JoinTime.Add(time.Duration(minutes) * time.Minute)
		badFrom := -1
		if s.NetworkType == "Cellular" && r.IntN(3) < 2 {
			badFrom = r.IntN(max(1, minutes-5))
		}
		outage := s.DataCenter == PlantedDataCenter && day >= 15
		samples := make([]store.Sample, minutes)
		vals := make([]store.Value, 7*minutes) // one allocation for the session's values
		for i := range samples {
			lat, jit, loss := 40+r.Float64()*30, 3+r.Float64()*8, r.Float64()*0.5
			switch {
			case badFrom >= 0 && i >= badFrom && i < badFrom+5:
				lat, jit = lat+260, jit+40
			case outage && i >= minutes/4 && i < minutes/4+4:
				lat = 400
			case hit && i >= minutes/2 && i < minutes/2+3:
				lat, jit, loss = lat+200, jit+40, loss+6
			}
			v := vals[7*i : 7*i+7 : 7*i+7]
			v[0] = store.Value{Stream: store.AudioInput, Metric: store.Latency, V: float64(int(lat))}
			v[1] = store.Value{Stream: store.AudioInput, Metric: store.Jitter, V: float64(int(jit))}
			v[2] = store.Value{Stream: store.AudioInput, Metric: store.AvgLoss, V: float64(int(loss*10)) / 10}
			v[3] = store.Value{Stream: store.AudioOutput, Metric: store.Latency, V: float64(int(lat))}
			v[4] = store.Value{Stream: store.AudioOutput, Metric: store.Jitter, V: float64(int(jit))}
			v[5] = store.Value{Stream: store.AudioOutput, Metric: store.AvgLoss, V: float64(int(loss*10)) / 10}
			v[6] = store.Value{Stream: store.CPUUsage, Metric: store.SystemMaxCPU, V: float64(20 + r.IntN(50))}
			samples[i] = store.Sample{Time: s.JoinTime.Add(time.Duration(i+1) * time.Minute), Values: v}
			samples[i].Normalize()
		}
		out[j] = store.SessionSamples{Session: s, Samples: samples}
	}
	return m, out
}

// fleetPerson is person p's session, without its times.
func fleetPerson(p int) store.Session {
	name := "Person " + strconv.Itoa(p)
	switch p {
	case 0:
		name = HostileScript
	case 5:
		name = HostileImg
	}
	network := []string{"Wired", "Wifi"}[p%2]
	if p%5 == 0 {
		network = "Cellular"
	}
	dc := []string{"FR (Frankfurt)", "AM (Amsterdam)", "NY (New York)"}[p%3]
	if p%7 == 3 {
		dc = PlantedDataCenter
	}
	conn := []string{"UDP", "TCP", "SSL", ""}[p%4] // "": Zoom did not say
	return store.Session{Participant: "pid-" + strconv.Itoa(p), ID: "uid-" + strconv.Itoa(p), UserName: name,
		Email: "person" + strconv.Itoa(p) + "@example.com", IPAddress: "203.0." + strconv.Itoa(p%200) + ".7",
		Device: []string{"Mac", "Windows", "iOS", "Android"}[p%4], NetworkType: network,
		Location: FleetLocations[(p/3)%len(FleetLocations)], Version: "6." + strconv.Itoa(p%9) + ".0", DataCenter: dc,
		ConnectionType: conn}
}

// FleetPeriod analyses a fleet of n meetings as FleetMeeting makes them,
// a meeting per core at a time, into the result of the period of November
// 2026 in opts.Zone (nil: UTC); previous is the period before's headline
// (nil: none).
func FleetPeriod(n, sessions, minutes int, opts analyze.PeriodOptions, previous *analyze.Headline) *analyze.PeriodResult {
	zone := cmp.Or(opts.Zone, time.UTC)
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, zone)
	p := analyze.NewPeriod(from, from.AddDate(0, 1, 0), opts)
	parallel.Do(n, 0, func(_, k int) {
		m, ss := FleetMeeting(k, n, sessions, minutes)
		p.AddMeeting(m, ss)
	})
	return p.Result(previous)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
