package export

import (
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/zoomqos/zoomqos/internal/flatparquet"
	"github.com/zoomqos/zoomqos/store"
)

// The Parquet schema of an export (docs/WAREHOUSE.md), in Columns
// order: the metrics and the dimensions are optional, NULL when absent;
// strings are dictionary-encoded; times are UTC timestamps in
// milliseconds.
const (
	pqMeeting = iota
	pqParticipant
	pqSession
	pqTime
	pqStream
	pqMetrics                                     // the first of store.NumMetrics
	pqDims    = pqMetrics + int(store.NumMetrics) // the first of dimensionColumns
)

// parquetSchema is the schema of a Parquet export.
func parquetSchema() []flatparquet.Column {
	names := Columns()
	cols := make([]flatparquet.Column, len(names))
	for i, n := range names {
		c := flatparquet.Column{Name: n, Type: flatparquet.String, Optional: true}
		switch {
		case i == pqMeeting || i == pqParticipant || i == pqStream:
			c.Optional = false
		case i == pqSession:
			c.Type = flatparquet.Timestamp
		case i == pqTime:
			c.Type, c.Optional = flatparquet.Timestamp, false
		case i < pqDims:
			c.Type = flatparquet.Double
		}
		cols[i] = c
	}
	return cols
}

// defaultRowGroupRows is the rows per row group unless
// Options.RowGroupRows says otherwise.
const defaultRowGroupRows = 128 << 10

// parquetSink fills and encodes row groups on as many goroutines as
// there are cores (up to maxParquetGroups), and writes them to the file in
// order on another. While one row group fills, the others encode or wait
// to be written.
type parquetSink struct {
	w     *flatparquet.Writer
	rows  int                // per row group (Options.RowGroupRows)
	cur   *parquetGroup      // filling, nil between row groups
	order chan *parquetGroup // in file order, to the writing goroutine
	free  parquetGroups
	done  chan error

	mu     sync.Mutex
	failed error // the writing goroutine's error
}

// parquetGroup is one row group on its way: the batches that fill it,
// then its encoding.
type parquetGroup struct {
	g       *flatparquet.RowGroup
	enc     flatparquet.EncodedRowGroup
	batches chan parquetBatch
	rows    int
	encoded chan error
}

type parquetBatch struct {
	b    *exportBatch
	done func()
}

// parquetGroups are the row groups an export fills, shared by its files
// so that their memory is allocated once: as many as cores, up to
// maxParquetGroups, nil until first needed.
type parquetGroups chan *parquetGroup

// maxParquetGroups bounds the row groups in memory (some 30 MB each, their
// columns and their encoding), so that an export's memory does not grow
// with the cores: exporting the fleet database of docs/PERFORMANCE.md
// (a million samples) with four row groups in flight peaked at 263 - 279
// MB (GOMAXPROCS=4 or 8); with two, 177 - 200 MB, whatever GOMAXPROCS.
const maxParquetGroups = 2

func newParquetGroups() parquetGroups {
	n := min(runtime.GOMAXPROCS(0), maxParquetGroups)
	free := make(parquetGroups, n)
	for range n {
		free <- nil
	}
	return free
}

func newParquetSink(w io.Writer, version string, free parquetGroups, rowGroupRows int) (rowSink, error) {
	pw, err := flatparquet.NewWriter(w, parquetSchema(), flatparquet.Options{Name: "zoomqos", CreatedBy: "zoomqos version " + version})
	if err != nil {
		return nil, err
	}
	s := &parquetSink{w: pw, rows: rowGroupRows, order: make(chan *parquetGroup, cap(free)), free: free, done: make(chan error, 1)}
	go s.writeGroups()
	return s, nil
}

func (s *parquetSink) write(b *exportBatch, done func()) error {
	s.mu.Lock()
	err := s.failed
	s.mu.Unlock()
	if err != nil {
		done()
		return err
	}
	if s.cur == nil {
		pg := <-s.free
		if pg == nil {
			pg = &parquetGroup{g: s.w.NewRowGroup()}
		}
		pg.g.Reset()
		pg.rows = 0
		pg.batches = make(chan parquetBatch, exportBatches)
		pg.encoded = make(chan error, 1)
		go s.fill(pg)
		s.cur = pg
		s.order <- pg
	}
	s.cur.rows += len(b.rows) // before the batch goes: once filled, it is emptied for reuse
	s.cur.batches <- parquetBatch{b, done}
	if s.cur.rows >= s.rows {
		close(s.cur.batches)
		s.cur = nil
	}
	return nil
}

// fill turns a row group's batches into columns as they come, then
// encodes it.
func (s *parquetSink) fill(pg *parquetGroup) {
	var f parquetFiller
	f.start(pg.g)
	for j := range pg.batches {
		f.add(j.b)
		j.done()
	}
	pg.encoded <- s.w.Encode(pg.g, &pg.enc)
}

// writeGroups writes the row groups in order as their encodings finish;
// after an error it keeps taking them, to free them for write, and
// writes nothing more.
func (s *parquetSink) writeGroups() {
	var err error
	for pg := range s.order {
		eerr := <-pg.encoded
		if err == nil && eerr != nil {
			err = fmt.Errorf("encode Parquet: %w", eerr)
		}
		if err == nil {
			if werr := s.w.WriteRowGroup(&pg.enc); werr != nil {
				err = fmt.Errorf("write Parquet: %w", werr)
			}
		}
		if err != nil {
			s.mu.Lock()
			s.failed = err
			s.mu.Unlock()
		}
		s.free <- pg
	}
	if err == nil {
		if cerr := s.w.Close(); cerr != nil {
			err = fmt.Errorf("write Parquet: %w", cerr)
		}
	}
	s.done <- err
}

func (s *parquetSink) close() error {
	if s.cur != nil {
		close(s.cur.batches)
		s.cur = nil
	}
	close(s.order)
	return <-s.done
}

// parquetFiller appends batches to a row group. The strings of a session
// are looked up in the row group's dictionaries once per run of its rows,
// not once per row.
type parquetFiller struct {
	cols    [pqDims + numDims]*flatparquet.ColumnValues
	sess    *exportSession
	meeting string
	ids     [2 + numDims]int32      // meeting, participant, dimensions; -1 for NULL
	streams [store.NumStreams]int32 // -1 until seen
}

func (f *parquetFiller) start(g *flatparquet.RowGroup) {
	for i := range f.cols {
		f.cols[i] = g.Column(i)
	}
	f.sess = nil
	for i := range f.streams {
		f.streams[i] = -1
	}
}

func (f *parquetFiller) add(b *exportBatch) {
	cols := &f.cols
	// What repeats along a session goes in runs.
	for i := 0; i < len(b.rows); {
		r := b.rows[i]
		n := 1
		for i+n < len(b.rows) && b.rows[i+n].sess == r.sess && b.rows[i+n].meeting == r.meeting {
			n++
		}
		if r.sess != f.sess || r.meeting != f.meeting {
			f.sess, f.meeting = r.sess, r.meeting
			f.ids[0] = cols[pqMeeting].Intern(r.meeting)
			f.ids[1] = cols[pqParticipant].Intern(r.sess.participant)
			for d, v := range r.sess.dims {
				f.ids[2+d] = -1
				if v != "" {
					f.ids[2+d] = cols[pqDims+d].Intern(v)
				}
			}
		}
		cols[pqMeeting].StringRun(f.ids[0], n)
		cols[pqParticipant].StringRun(f.ids[1], n)
		if r.sess.join.IsZero() {
			cols[pqSession].NullRun(n)
		} else {
			cols[pqSession].TimestampRun(r.sess.join.UnixMilli(), n)
		}
		for d := range numDims {
			if id := f.ids[2+d]; id >= 0 {
				cols[pqDims+d].StringRun(id, n)
			} else {
				cols[pqDims+d].NullRun(n)
			}
		}
		i += n
	}
	for _, r := range b.rows {
		cols[pqTime].Timestamp(r.time.UnixMilli())
		st := &f.streams[r.stream]
		if *st < 0 {
			*st = cols[pqStream].Intern(r.stream.String())
		}
		cols[pqStream].StringIndex(*st)
	}
	for m := range store.NumMetrics {
		cols[pqMetrics+int(m)].Doubles(b.metric(m))
	}
}
