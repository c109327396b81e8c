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
	device, client, os, osVer  string
	version                    string
	ip                         string
	internalIPs                []string
	location, dc, fullDC       string
	network, conn              string
	pcName, domain, mac, disk  string
	legs                       string // "crc" for H.323/SIP, "rwg" for the web client, "" for none
	audioOnly, video, presents bool
	newer                      bool // reports wifi_rssi, cpu_pressure_level and the newer fields
	style                      int  // which of Zoom's value shapes this client sends
	rejoined                   bool

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
		pr.device, pr.os, pr.osVer, pr.client = "Windows", "Windows", "11", "Zoom Workplace"
	case n < 68:
		pr.device, pr.os, pr.osVer, pr.client = "Mac", "Mac", "14.5", "Zoom Workplace"
	case n < 76:
		pr.device, pr.os, pr.osVer, pr.client = "iOS", "iOS", "17.5", "Zoom Workplace"
	case n < 84:
		pr.device, pr.os, pr.osVer, pr.client = "Android", "Android", "14", "Zoom Workplace"
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
