package fakezoom

import (
	"strconv"
	"time"
)

// Zoom's own quality ratings (the participants list's audio_quality,
// video_quality and screen_share_quality, the lists' meeting-level ones,
// the QoS answers' health and issue_list) come from the very values the
// QoS samples are written from: meeting.values for each minute of a
// session, with the person's usual connection, their Wi-Fi and CPU
// episodes and the meeting's incident.
//
// The rule. Each sample minute gets a class per stream, on the minute's
// latency, jitter and loss:
//
//	bad:  loss >= 8 %, latency >= 400 ms or jitter >= 80 ms
//	poor: loss >= 3 %, latency >= 250 ms or jitter >= 40 ms
//	fair: loss >= 1 %, latency >= 150 ms or jitter >= 20 ms
//	good: otherwise
//
// Video (for everyone with video, sending or receiving) is also poor below
// 6 fps and at least fair below 10 fps when the person's camera is on.
// Screen share is rated on the sharing minutes of presenters only. A
// session's rating for a stream, over its minutes so far:
//
//	bad:  at least 10 % of the minutes bad, or 20 % poor or bad
//	poor: at least 8 % poor or bad
//	fair: any minute poor or bad, or 20 % fair
//	good: otherwise
//	"":   the stream was not used (no minutes: audio-only people have no
//	      video, people who never presented no screen share)
//
// Zoom's rating is its own: about one session-stream in twelve is moved one
// step up or down from the rule (zoomQuality); actualQuality, which the
// QoS answers' health uses, is the rule's. A meeting's rating for a stream
// is the worst rating at least a tenth of its rated sessions have.

// Rating levels.
const (
	good = iota
	fair
	poor
	bad
	unrated = -1 // the stream was not used
)

var ratingNames = [...]string{"good", "fair", "poor", "bad"}

func ratingName(r int) string {
	if r < 0 {
		return ""
	}
	return ratingNames[r]
}

// minuteClass is one sample minute of a session: the class of its audio,
// video and screen share (noClass when the stream did not flow).
type minuteClass [3]uint8

const noClass = 255

func netClass(v sampleValues) uint8 {
	switch {
	case v.loss >= 8 || v.latency >= 400 || v.jitter >= 80:
		return bad
	case v.loss >= 3 || v.latency >= 250 || v.jitter >= 40:
		return poor
	case v.loss >= 1 || v.latency >= 150 || v.jitter >= 20:
		return fair
	}
	return good
}

// minuteClasses returns the classes of every sample minute of session si,
// in the order of its user_qos entries, worked out once.
func (m *meeting) minuteClasses(si int) []minuteClass {
	m.classOnce[si].Do(func() {
		s := &m.sessions[si]
		pr := &m.people[s.person]
		var out []minuteClass
		for t := s.join.Truncate(time.Minute).Add(time.Minute); !t.After(s.leave); t = t.Add(time.Minute) {
			minute := int(t.Sub(m.Start) / time.Minute)
			// The generator appendSample uses: values draws first from
			// it, so these are the sample's own values.
			v := m.values(rng(m.seed, 3, uint64(s.person), uint64(s.n), uint64(minute)), s, minute)
			c := minuteClass{netClass(v), noClass, noClass}
			if !pr.audioOnly {
				c[1] = c[0]
				if pr.video {
					switch {
					case v.fps < 6:
						c[1] = max(c[1], poor)
					case v.fps < 10:
						c[1] = max(c[1], fair)
					}
				}
				if pr.presents && v.sharing {
					c[2] = c[0]
				}
			}
			out = append(out, c)
		}
		m.classes[si] = out
	})
	return m.classes[si]
}

// samplesUntil is how many of a session's samples exist at until.
func samplesUntil(s *session, until time.Time, all int) int {
	base := s.join.Truncate(time.Minute)
	if until.Before(base) {
		return 0
	}
	return min(all, int(until.Sub(base)/time.Minute))
}

// quality is a session's rating per stream: audio, video, screen share.
type quality [3]int

// actualQuality rates a session's minutes up to until by the rule.
func (m *meeting) actualQuality(s *session, until time.Time) quality {
	cls := m.minuteClasses(s.idx)
	cls = cls[:samplesUntil(s, until, len(cls))]
	var q quality
	for st := range q {
		var c [4]int
		for _, mc := range cls {
			if mc[st] != noClass {
				c[mc[st]]++
			}
		}
		q[st] = rateMinutes(c)
	}
	return q
}

func rateMinutes(c [4]int) int {
	n := c[good] + c[fair] + c[poor] + c[bad]
	poorPlus := c[poor] + c[bad]
	switch {
	case n == 0:
		return unrated
	case c[bad]*10 >= n || poorPlus*5 >= n:
		return bad
	case poorPlus*100 >= 8*n:
		return poor
	case poorPlus > 0 || c[fair]*5 >= n:
		return fair
	}
	return good
}

// zoomQuality is the rating Zoom gives: the rule's, with now and then a
// step of its own.
func (m *meeting) zoomQuality(s *session, until time.Time) quality {
	q := m.actualQuality(s, until)
	r := rng(m.seed, 6, uint64(s.person), uint64(s.n))
	for st := range q {
		differs, up := r.IntN(12) == 0, r.IntN(2) == 0
		if !differs || q[st] == unrated {
			continue
		}
		if up && q[st] > good {
			q[st]--
		} else if !up && q[st] < bad {
			q[st]++
		}
	}
	return q
}

// meetingQuality is the meeting-level rating of each stream over the
// sessions that have begun by until: the worst rating that at least a
// tenth of the rated sessions have (unrated when no session used it).
func (m *meeting) meetingQuality(until time.Time) quality {
	var counts [3][4]int
	for i := range m.sessions {
		s := &m.sessions[i]
		if s.join.After(until) {
			continue
		}
		for st, r := range m.zoomQuality(s, until) {
			if r != unrated {
				counts[st][r]++
			}
		}
	}
	var q quality
	for st, c := range counts {
		q[st] = unrated
		total := c[good] + c[fair] + c[poor] + c[bad]
		worse := 0
		for r := bad; r >= good && total > 0; r-- {
			if worse += c[r]; worse*10 >= total {
				q[st] = r
				break
			}
		}
	}
	return q
}

// health is the QoS answers' health of a session: its worse of audio and
// video by the rule, good or fair "good", poor "warning", bad "bad"; ""
// before it has a sample.
func health(q quality) string {
	w := max(q[0], q[1])
	switch {
	case w == unrated:
		return ""
	case w == bad:
		return "bad"
	case w == poor:
		return "warning"
	}
	return "good"
}

// episodes tells which of the person's episodes and the meeting's incident
// a session's samples up to until overlap.
func (m *meeting) episodes(s *session, until time.Time) (wifi, cpu, incident bool) {
	n := samplesUntil(s, until, len(m.minuteClasses(s.idx)))
	if n == 0 {
		return
	}
	first := s.join.Truncate(time.Minute).Add(time.Minute)
	m0 := int(first.Sub(m.Start) / time.Minute)
	m1 := m0 + n - 1
	overlaps := func(from, length int) bool { return length > 0 && from <= m1 && from+length-1 >= m0 }
	pr := &m.people[s.person]
	incFrom := int(m.Duration.Minutes()) * 2 / 5
	return overlaps(pr.wifiFrom, pr.wifiLen), overlaps(pr.cpuFrom, pr.cpuLen),
		m.incident && s.person%4 != 3 && overlaps(incFrom, 3)
}

// appendIssues appends a session's issue_list: what it went through.
func appendIssues(b []byte, wifi, cpu, incident bool) []byte {
	b = append(b, `,"issue_list":[`...)
	n := 0
	add := func(on bool, issue string) {
		if !on {
			return
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendStr(b, issue)
	}
	add(wifi, "Unstable network")
	add(incident, "High latency")
	add(cpu, "High CPU usage")
	return append(b, ']')
}

// appendSocketBreaks appends the four *_socket_break counters: 0 unless a
// Wi-Fi episode hit the session, then a few breaks.
func (m *meeting) appendSocketBreaks(b []byte, s *session, wifi bool) []byte {
	pr := &m.people[s.person]
	var audio, video, as, command int
	if wifi {
		r := rng(m.seed, 7, uint64(s.person), uint64(s.n))
		audio, command = 1+r.IntN(3), r.IntN(2)
		if !pr.audioOnly {
			video = r.IntN(3)
		}
		if pr.presents {
			as = r.IntN(2)
		}
	}
	for i, c := range [4]int{audio, video, as, command} {
		b = append(b, `,"`...)
		b = append(b, [4]string{"audio", "video", "as", "command"}[i]...)
		b = append(b, `_socket_break":`...)
		b = strconv.AppendInt(b, int64(c), 10)
	}
	return b
}
