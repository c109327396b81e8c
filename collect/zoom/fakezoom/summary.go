package fakezoom

import "strings"

// summary gathers a session's per-minute values, stream by stream, for its
// meeting.participant_qos_summary event: the numbers behind the text the
// samples carry (absent values left out), noted as appendStreams writes
// them. Its methods do nothing on a nil summary, which is how the QoS API
// and the per-minute events write samples.
type summary struct {
	cur     *streamSum
	streams []*streamSum
}

// streamSum is one stream of a summary.
type streamSum struct {
	name   string
	stats  map[string]*stat
	counts map[string]int // resolution -> minutes
}

// stat is the minimum, sum and maximum of one field's values.
type stat struct {
	n             int
	min, max, sum float64
}

func (s *stat) avg() float64 { return s.sum / float64(s.n) }

// stream makes name the stream the next values belong to; "" notes
// nothing until the next stream.
func (s *summary) stream(name string) {
	if s == nil {
		return
	}
	s.cur = nil
	if name == "" {
		return
	}
	for _, st := range s.streams {
		if st.name == name {
			s.cur = st
			return
		}
	}
	s.cur = &streamSum{name: name, stats: map[string]*stat{}, counts: map[string]int{}}
	s.streams = append(s.streams, s.cur)
}

func (s *summary) num(field string, x float64) {
	if s == nil || s.cur == nil {
		return
	}
	st := s.cur.stats[field]
	if st == nil {
		st = &stat{min: x, max: x}
		s.cur.stats[field] = st
	}
	st.n++
	st.sum += x
	st.min, st.max = min(st.min, x), max(st.max, x)
}

func (s *summary) text(field, v string) {
	if s != nil && s.cur != nil && field == "resolution" {
		s.cur.counts[v]++
	}
}

// appendQoS appends the summary's qos array entries: for each stream, the
// min_, avg_ and max_ of its values in the shapes of the person's client
// (f), the loss as avg_loss and max_loss, a video stream's most common
// resolution, and cpu_usage under its per-minute names. A field without
// values is "".
func (s *summary) appendQoS(b []byte, f valueFormat) []byte {
	for i, st := range s.streams {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":`...)
		b = appendStr(b, st.name)
		b = append(b, `,"details":{`...)
		if st.name == "cpu_usage" {
			b = st.appendCPU(b, f)
		} else {
			b = st.appendNet(b, f)
		}
		b = append(b, "}}"...)
	}
	return b
}

func (st *streamSum) appendNet(b []byte, f valueFormat) []byte {
	first := true
	put := func(name string, x float64, ok bool, format func([]byte, string, float64) []byte) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendStr(b, name)
		b = append(b, ':')
		if !ok {
			b = append(b, `""`...)
			return
		}
		b = format(b, "", x)
	}
	fps := func(b []byte, _ string, x float64) []byte { return f.fps(b, int(x+0.5)) }
	three := func(field string, format func([]byte, string, float64) []byte) {
		s := st.stats[field]
		ok := s != nil
		var lo, avg, hi float64
		if ok {
			lo, avg, hi = s.min, s.avg(), s.max
		}
		put("min_"+field, lo, ok, format)
		put("avg_"+field, avg, ok, format)
		put("max_"+field, hi, ok, format)
	}
	three("bitrate", f.kbps)
	three("latency", f.ms)
	three("jitter", f.ms)
	if s := st.stats["avg_loss"]; s != nil {
		put("avg_loss", s.avg(), true, f.pct)
	} else {
		put("avg_loss", 0, false, nil)
	}
	if s := st.stats["max_loss"]; s != nil {
		put("max_loss", s.max, true, f.pct)
	} else {
		put("max_loss", 0, false, nil)
	}
	if strings.HasPrefix(st.name, "video_") || strings.HasPrefix(st.name, "as_") {
		three("frame_rate", fps)
		res, most := "0*0", 0
		for r, n := range st.counts {
			if n > most || n == most && r < res {
				res, most = r, n
			}
		}
		b = field(b, false, "resolution", res)
	}
	return b
}

func (st *streamSum) appendCPU(b []byte, f valueFormat) []byte {
	for i, c := range []struct {
		name string
		pick func(*stat) float64
	}{
		{"zoom_min_cpu_usage", func(s *stat) float64 { return s.min }},
		{"zoom_avg_cpu_usage", (*stat).avg},
		{"zoom_max_cpu_usage", func(s *stat) float64 { return s.max }},
		{"system_max_cpu_usage", func(s *stat) float64 { return s.max }},
	} {
		s := st.stats[c.name]
		if s == nil {
			b = field(b, i == 0, c.name, "")
			continue
		}
		b = f.percent(b, i == 0, c.name, c.pick(s))
	}
	return b
}
