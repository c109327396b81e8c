package export

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/zoomqos/zoomqos/store"
)

// textSink writes an export as CSV or NDJSON, as the dump does, with the
// dimension columns after the metrics.
type textSink struct {
	bw   *bufio.Writer
	csv  bool
	line []byte
	last *exportSession
	pre  []byte // the current session's meeting, participant and session fields
	dims []byte // and its dimensions
}

func newTextSink(w io.Writer, csv bool) *textSink {
	s := &textSink{bw: bufio.NewWriterSize(w, 256<<10), csv: csv}
	if csv {
		for i, c := range Columns() {
			if i > 0 {
				s.bw.WriteByte(',')
			}
			s.bw.WriteString(c)
		}
		s.bw.WriteByte('\n')
	}
	return s
}

func (s *textSink) write(b *exportBatch, done func()) error {
	defer done()
	metrics := store.Metrics()
	for i, r := range b.rows {
		if r.sess != s.last {
			s.last = r.sess
			s.session(r.meeting, r.sess)
		}
		line := append(s.line[:0], s.pre...)
		ts := formatTime(r.time)
		if s.csv {
			line = append(line, ts...)
			line = append(line, ',')
			line = append(line, r.stream.String()...)
			for _, m := range metrics {
				line = append(line, ',')
				if k := at(m, i); b.have[k] != 0 {
					line = strconv.AppendFloat(line, b.vals[k], 'f', -1, 64)
				}
			}
			line = append(line, s.dims...)
		} else {
			line = append(line, `,"time":"`...)
			line = append(line, ts...)
			line = append(line, `","stream":"`...)
			line = append(line, r.stream.String()...)
			line = append(line, '"')
			for _, m := range metrics {
				line = append(line, ',', '"')
				line = append(line, m.String()...)
				line = append(line, '"', ':')
				if k := at(m, i); b.have[k] != 0 {
					line = strconv.AppendFloat(line, b.vals[k], 'f', -1, 64)
				} else {
					line = append(line, "null"...)
				}
			}
			line = append(line, s.dims...)
			line = append(line, '}')
		}
		line = append(line, '\n')
		s.line = line
		if _, err := s.bw.Write(line); err != nil {
			return fmt.Errorf("write export: %w", err)
		}
	}
	return nil
}

// session prepares the fields every row of a session repeats.
func (s *textSink) session(meeting string, sess *exportSession) {
	join := ""
	if !sess.join.IsZero() {
		join = formatTime(sess.join)
	}
	s.pre, s.dims = s.pre[:0], s.dims[:0]
	if s.csv {
		s.pre = appendField(s.pre, meeting, true)
		s.pre = append(s.pre, ',')
		s.pre = appendField(s.pre, sess.participant, true)
		s.pre = append(s.pre, ',')
		s.pre = appendField(s.pre, join, true)
		s.pre = append(s.pre, ',')
		for _, d := range sess.dims {
			s.dims = append(s.dims, ',')
			s.dims = appendField(s.dims, d, true)
		}
		return
	}
	s.pre = append(s.pre, `{"meeting":`...)
	s.pre = appendField(s.pre, meeting, false)
	s.pre = append(s.pre, `,"participant":`...)
	s.pre = appendField(s.pre, sess.participant, false)
	s.pre = append(s.pre, `,"session":`...)
	s.pre = appendField(s.pre, join, false) // null when unknown
	for i, d := range sess.dims {
		s.dims = append(s.dims, ',', '"')
		s.dims = append(s.dims, dimensionColumns[i]...)
		s.dims = append(s.dims, '"', ':')
		s.dims = appendField(s.dims, d, false)
	}
}

func (s *textSink) close() error {
	if err := s.bw.Flush(); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}
