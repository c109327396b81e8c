package fakezoom

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// person is a participant of a fake meeting: who they are, how they joined,
// and the shape of their connection.
type person struct {
	id, name, email            string
	device, client             string
	version                    string
	ip                         string
	internalIPs                []string
	location, dc, fullDC       string
	network, conn              string // the participants list's network_type and connection_type
	pcName, domain, mac, disk  string
	legs                       string // "crc" for H.323/SIP, "rwg" for the web client, "" for none
	audioOnly, video, presents bool
	newer                      bool // reports wifi_rssi, cpu_pressure_level and the changelog fields
	style                      int  // which of Zoom's value shapes this client sends
	rejoined                   bool

	// What only the participants list tells (see extras).
	microphone, speaker, camera string
	customerKey, registrantID   string
	panelist                    bool   // webinars: a panelist, not an attendee
	boMtgID                     string // meetings: the breakout room they went to
	sipURI, fromSIPURI          string
	shareApp, whiteboard        bool // what a presenter shares: an application (else the desktop), a whiteboard too

	latency, jitter, loss float64 // the connection's usual state
	bitrateAudio          float64
	bitrateVideo          float64
	width, height, fps    int

	// Personal episodes, in minutes from the meeting start: bad Wi-Fi, an
	// overloaded CPU.
	wifiFrom, wifiLen int
	cpuFrom, cpuLen   int
}

var (
	firstNames = []string{"Ada", "Grace", "Alan", "Zoë", "José", "Amara", "Wei", "Fatima", "Lars", "Priya", "Kenji", "Olga", "Noor", "Mateo", "Siobhán", "李"}
	lastNames  = []string{"Lovelace", "Hopper", "Turing", "Müller", "García", "Okafor", "Zhang", "Haddad", "Nilsson", "Iyer", "Tanaka", "Ivanova", "Rahman", "Silva", "O'Brien", "雷"}
	places     = []struct{ location, dc, fullDC string }{
		{"London (GB)", "London (GB)", "United Kingdom (GB) London (GB)"},
		{"San Jose (US)", "San Jose (US)", "United States (US) San Jose (US)"},
		{"Berlin (DE)", "Frankfurt (DE)", "Germany (DE) Frankfurt (DE)"},
		{"Sydney (AU)", "Sydney (AU)", "Australia (AU) Sydney (AU)"},
		{"Mumbai (IN)", "Mumbai (IN)", "India (IN) Mumbai (IN)"},
		{"São Paulo (BR)", "São Paulo (BR)", "Brazil (BR) São Paulo (BR)"},
		{"Tokyo (JP)", "Tokyo (JP)", "Japan (JP) Tokyo (JP)"},
		{"New York (US)", "New York (US)", "United States (US) New York (US)"},
	}
	versions = []string{"5.16.10.26186", "5.17.5.31030", "6.0.2.33403", "6.1.1.36333", "6.2.5.43000"}
)

func newPerson(r *rand.Rand, m *meeting, p int) person {
	first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
	pl := places[r.IntN(len(places))]
	pr := person{
		name:     first + " " + last,
		email:    strings.ToLower(asciiOnly(first)+"."+asciiOnly(last)) + fmt.Sprintf("%d@example.com", p),
		location: pl.location, dc: pl.dc, fullDC: pl.fullDC,
		version: versions[r.IntN(len(versions))],
		ip:      fmt.Sprintf("%s.%d", []string{"192.0.2", "198.51.100", "203.0.113"}[r.IntN(3)], 1+r.IntN(254)),
		style:   r.IntN(4),
		newer:   r.IntN(2) == 0,
	}
	// Guests have no participant UUID; some accounts see no names or e-mail.
	if r.IntN(7) > 0 {
		var b [16]byte
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		pr.id = strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(fmt.Sprintf("%x", b[:11])), "=")
	}
	if r.IntN(12) == 0 {
		pr.name, pr.email = "", ""
	}
	switch n := r.IntN(100); {
	case n < 38:
		pr.device, pr.client = "Windows", "Zoom Workplace"
	case n < 68:
		pr.device, pr.client = "Mac", "Zoom Workplace"
	case n < 76:
		pr.device, pr.client = "iOS", "Zoom Workplace"
	case n < 84:
		pr.device, pr.client = "Android", "Zoom Workplace"
	case n < 92:
		pr.device, pr.audioOnly = "Phone", true
		pr.name = fmt.Sprintf("+1 *** *** %04d", r.IntN(10000))
		pr.email, pr.id = "", ""
	default:
		pr.device, pr.legs = "H.323/SIP", "crc"
	}
	if !pr.audioOnly && pr.legs == "" && r.IntN(10) == 0 {
		pr.client, pr.legs = "Web", "rwg"
	}
	switch n := r.IntN(10); {
	case pr.audioOnly:
		pr.network = "Others"
	case n < 4:
		pr.network, pr.conn = "Wired", "UDP"
	case n < 8:
		pr.network, pr.conn = "Wifi", "UDP"
	case n < 9:
		pr.network, pr.conn = "Cellular", "TCP"
	default:
		pr.network, pr.conn = "PPP", "SSL"
	}
	if !pr.audioOnly {
		pr.pcName = fmt.Sprintf("%s-%03d", strings.ToUpper(asciiOnly(last))[:min(4, len(asciiOnly(last)))], p%1000)
		pr.domain = "corp.example.com"
		pr.mac = fmt.Sprintf("%04x-%04x-%04x", r.IntN(0x10000), r.IntN(0x10000), r.IntN(0x10000))
		pr.disk = fmt.Sprintf("DISK%06d", r.IntN(1000000))
		pr.internalIPs = []string{fmt.Sprintf("10.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254))}
		pr.video = r.IntN(5) > 0
		pr.presents = p == 0 || r.IntN(15) == 0
	}
	pr.latency = 15 + r.Float64()*90
	if pr.network == "Cellular" || pr.audioOnly {
		pr.latency += 80
	}
	pr.jitter = 1 + r.Float64()*8
	pr.loss = r.Float64() * 0.6
	pr.bitrateAudio = 20 + r.Float64()*50
	pr.bitrateVideo = 300 + r.Float64()*1800
	switch r.IntN(3) {
	case 0:
		pr.width, pr.height = 1280, 720
	case 1:
		pr.width, pr.height = 640, 360
	default:
		pr.width, pr.height = 1920, 1080
	}
	pr.fps = 15 + r.IntN(16)
	minutes := int(m.Duration.Minutes())
	if pr.network == "Wifi" && r.IntN(3) == 0 && minutes > 10 {
		pr.wifiFrom, pr.wifiLen = r.IntN(minutes-5), 3+r.IntN(6)
	}
	if !pr.audioOnly && r.IntN(10) == 0 && minutes > 10 {
		pr.cpuFrom, pr.cpuLen = r.IntN(minutes-5), 2+r.IntN(5)
	}
	return pr
}

var (
	// Headsets and webcams people plug in; built-in devices by platform.
	headsets = []string{"Jabra Evolve2 65", "Poly Voyager Focus 2", "Logitech Zone Vibe 100", "AirPods Pro"}
	webcams  = []string{"Logitech BRIO", "Logitech C920", "Poly Studio P5"}
	builtIn  = map[string][3]string{ // microphone, speaker, camera
		"Mac":       {"MacBook Pro Microphone", "MacBook Pro Speakers", "FaceTime HD Camera"},
		"Windows":   {"Microphone Array (Realtek(R) Audio)", "Speakers (Realtek(R) Audio)", "Integrated Webcam"},
		"iOS":       {"iPhone Microphone", "iPhone Speaker", "Front Camera"},
		"Android":   {"Built-in microphone", "Speakerphone", "Front camera"},
		"H.323/SIP": {"Poly Studio X50", "Poly Studio X50", "Poly Studio X50"},
	}
)

// extras fills in what only the participants list tells about a person:
// devices, keys, role and breakout room. It draws from its own generator
// (r), so that everything the QoS answers show stays as it was.
func (pr *person) extras(r *rand.Rand, m *meeting, p int) {
	if d, ok := builtIn[pr.device]; ok {
		pr.microphone, pr.speaker = d[0], d[1]
		if pr.video {
			pr.camera = d[2]
		}
		if pr.device == "Mac" || pr.device == "Windows" {
			if r.IntN(3) == 0 {
				pr.microphone = headsets[r.IntN(len(headsets))]
				pr.speaker = pr.microphone
			}
			if pr.video && r.IntN(4) == 0 {
				pr.camera = webcams[r.IntN(len(webcams))]
			}
		}
	}
	if !pr.audioOnly && pr.legs != "crc" && r.IntN(12) == 0 {
		pr.customerKey = fmt.Sprintf("sdk-%08x", r.Uint32())
	}
	if m.Webinar && p > 0 {
		pr.panelist = !pr.audioOnly && r.IntN(8) == 0
		if !pr.panelist && pr.email != "" && r.IntN(3) > 0 {
			pr.registrantID = fmt.Sprintf("%014x", r.Uint64()>>8)
		}
	}
	// Every third meeting goes into two breakout rooms for a while; a
	// few people show which one they were in.
	if !m.Webinar && m.index%3 == 1 && p > 0 && r.IntN(4) == 0 {
		pr.boMtgID = []string{"Dkgwu8nm/ExG1vM+GhLRhA==", "q3XzJb0cTvq2Y+1bN0jGHw=="}[r.IntN(2)]
	}
	if pr.device == "H.323/SIP" {
		pr.sipURI = fmt.Sprintf("sip:room-%03d@10.20.%d.%d:5060", p%1000, r.IntN(256), 1+r.IntN(254))
		pr.fromSIPURI = fmt.Sprintf("sip:room-%03d@rooms.example.com", p%1000)
	}
	pr.shareApp = r.IntN(3) == 0
	pr.whiteboard = r.IntN(10) == 0
}

// asciiOnly drops letters outside ASCII, for e-mail addresses and PC names.
func asciiOnly(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c < 128 && c != '\'' {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return "user"
	}
	return b.String()
}
