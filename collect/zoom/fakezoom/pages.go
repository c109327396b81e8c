package fakezoom

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// ListPages makes pages of the list endpoint
// (GET /metrics/meetings/{id}/participants/qos), each with `participants`
// participants of `samples` one-minute samples that carry every stream, with
// values in the shapes Zoom sends. The same arguments give the same bytes.
func ListPages(pages, participants, samples int, start time.Time) [][]byte {
	r := rand.New(rand.NewPCG(uint64(pages), uint64(samples)))
	out := make([][]byte, pages)
	for p := range pages {
		var b strings.Builder
		fmt.Fprintf(&b, `{"page_count":%d,"page_size":%d,"total_records":%d,"next_page_token":"tok%d","participants":[`,
			pages, participants, pages*participants, p+1)
		for j := range participants {
			if j > 0 {
				b.WriteByte(',')
			}
			join := start.Add(time.Duration(r.IntN(60)) * time.Second)
			fmt.Fprintf(&b, `{"id":"part-%d-%d","user_id":"%d","user_name":"Participant %d","device":"Windows","ip_address":"192.0.2.%d",`+
				`"location":"Berlin (DE)","network_type":"Wifi","data_center":"Frankfurt (DE)","join_time":"%s","leave_time":"%s",`+
				`"pc_name":"PC-%d","version":"6.0.2.33403","user_qos":[`,
				p, j, 16778240+p*100+j, p*100+j, j%250, join.Format(time.RFC3339),
				join.Add(time.Duration(samples+1)*time.Minute).Format(time.RFC3339), j)
			for k := range samples {
				if k > 0 {
					b.WriteByte(',')
				}
				sample(&b, r, join.Truncate(time.Minute).Add(time.Duration(k+1)*time.Minute))
			}
			b.WriteString(`]}`)
		}
		b.WriteString(`]}`)
		out[p] = []byte(b.String())
	}
	return out
}

func sample(b *strings.Builder, r *rand.Rand, t time.Time) {
	fmt.Fprintf(b, `{"date_time":"%s"`, t.Format(time.RFC3339))
	for _, st := range store.Streams() {
		fmt.Fprintf(b, `,"%s":{`, st)
		switch st.Kind() {
		case store.KindAudio, store.KindVideo:
			fmt.Fprintf(b, `"bitrate":"%.2f kbps","latency":"%d ms","jitter":"%d ms","avg_loss":"%.1f%%","max_loss":"%.1f%%"`,
				20+r.Float64()*1000, 20+r.IntN(200), r.IntN(40), r.Float64()*3, r.Float64()*10)
			if st.Kind() == store.KindVideo {
				fmt.Fprintf(b, `,"resolution":"%s","frame_rate":"%d fps"`, []string{"1280*720", "640*360", "0*0"}[r.IntN(3)], r.IntN(31))
			}
		case store.KindCPU:
			fmt.Fprintf(b, `"zoom_min_cpu_usage":"%d%%","zoom_avg_cpu_usage":"%d%%","zoom_max_cpu_usage":"%d%%","system_max_cpu_usage":"%d%%"`,
				r.IntN(10), 10+r.IntN(20), 30+r.IntN(30), 40+r.IntN(60))
		case store.KindRSSI:
			fmt.Fprintf(b, `"max_rssi":%d,"avg_rssi":%d,"min_rssi":%d,"rssi_unit":"dBm"`, -30-r.IntN(10), -50-r.IntN(10), -70-r.IntN(20))
		case store.KindPressure:
			fmt.Fprintf(b, `"system_min_cpu_pressure_level":"normal","system_avg_cpu_pressure_level":"fair","system_max_cpu_pressure_level":"%s"`,
				[]string{"normal", "fair", "serious", "critical"}[r.IntN(4)])
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
}
