package export

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

// Export formats (FormatCSV and FormatNDJSON are the dump's).
const FormatParquet = "parquet"

// Columns are the export's columns, in order: the dump's (meeting,
// participant, session, time, stream and every metric with its unit in its
// name), then the participant's dimensions. docs/WAREHOUSE.md has their
// types.
func Columns() []string {
	return append(DumpColumns(), dimensionColumns[:]...)
}

var dimensionColumns = [numDims]string{"user_name", "device", "location", "network_type", "client_version", "data_center"}

const numDims = 6

// exportBatch is the rows of one stretch of samples, the metrics column by
// column: metric m of row i is vals[m*exportBatchRows+i] where
// have[m*exportBatchRows+i] is 1.
type exportBatch struct {
	rows []exportRowRef
	vals []float64
	have []byte
}

// at is where metric m of row i is in vals and have.
func at(m store.Metric, i int) int { return int(m)*exportBatchRows + i }

// metric returns the values of metric m in the batch, with have.
func (b *exportBatch) metric(m store.Metric) ([]float64, []byte) {
	i := at(m, 0)
	return b.vals[i : i+len(b.rows)], b.have[i : i+len(b.rows)]
}

// exportRowRef is one row of a batch: its session (shared by the rows of
// the session), time and stream.
type exportRowRef struct {
	meeting string
	sess    *exportSession
	time    time.Time
	stream  store.Stream
}

// exportSession is what every row of a session repeats.
type exportSession struct {
	participant string
	join        time.Time       // zero: unknown
	dims        [numDims]string // dimensionColumns
}

const exportBatchRows = 8192

// exportBatches is how many batches there are: one filling, the others
// queued or being encoded.
const exportBatches = 6

func newExportBatch() *exportBatch {
	return &exportBatch{
		rows: make([]exportRowRef, 0, exportBatchRows),
		vals: make([]float64, exportBatchRows*int(store.NumMetrics)),
		have: make([]byte, exportBatchRows*int(store.NumMetrics)),
	}
}

// rowSink writes batches in one format. write owns the batch until it
// calls done, which it may do after it returns (a sink that encodes on
// other goroutines); close waits for that.
type rowSink interface {
	write(b *exportBatch, done func()) error
	close() error // flushes; the caller closes the file
}

// Options say what to export and how.
type Options struct {
	Format string
	Redact bool
	// Open opens the output for a day's meetings (UTC, their first
	// sample's day) when SplitByDay is set, or once with the zero time.
	Open       func(day time.Time) (io.WriteCloser, error)
	SplitByDay bool
	// Version is zoomqos's, for the files' metadata.
	Version string
	// RowGroupRows is how many rows a Parquet row group holds, at least:
	// a row group ends after the batch that reaches it (0: 131,072,
	// enough for good compression and fast scans, few enough that the row
	// groups being filled and encoded stay small).
	RowGroupRows int
}

// Result says what an export wrote.
type Result struct {
	Meetings, Sessions int
	Samples, Rows      int64
	Files              int
}

// Write exports the stored samples of the given meetings, in order, one
// row per session, time and stream. Decoding and encoding run side by
// side; memory stays bounded by a few batches and, for Parquet, two row
// groups (one filling while the other encodes), whatever the number of
// cores: the export sets no process-wide memory policy, and needs none.
func Write(ctx context.Context, db *store.DB, meetings []store.MeetingSummary, o Options) (Result, error) {
	var res Result
	newSink, err := sinkFor(o)
	if err != nil {
		return res, err
	}
	var red *report.Redactor
	if o.Redact {
		red = report.NewRedactor()
	}

	// Batches go to the writer as jobs; empty ones come back.
	empty := make(chan *exportBatch, exportBatches)
	for range exportBatches {
		empty <- newExportBatch()
	}
	release := func(b *exportBatch) {
		b.rows = b.rows[:0]
		clear(b.have)
		empty <- b
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	writeErr := make(chan error, 1)
	// The writer takes batches tagged with the file they belong to.
	type job struct {
		b    *exportBatch
		open *time.Time // non-nil: start a new file for this day first
	}
	jobs := make(chan job, 2)
	go func() {
		var sink rowSink
		var out io.WriteCloser
		finish := func() error {
			if sink == nil {
				return nil
			}
			err := sink.close()
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			sink, out = nil, nil
			return err
		}
		var err error
		for j := range jobs {
			if err != nil {
				if j.b != nil {
					release(j.b)
				}
				continue
			}
			if j.open != nil {
				if err = finish(); err == nil {
					if out, err = o.Open(*j.open); err == nil {
						res.Files++
						sink, err = newSink(out)
					}
				}
			}
			if j.b != nil {
				if err == nil && len(j.b.rows) > 0 {
					b := j.b
					err = sink.write(b, func() { release(b) })
				} else {
					release(j.b)
				}
			}
			if err != nil {
				cancel()
			}
		}
		if ferr := finish(); err == nil {
			err = ferr
		}
		writeErr <- err
	}()

	readErr := func() error {
		defer close(jobs)
		var cur *exportBatch
		take := func() error {
			select {
			case cur = <-empty:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		send := func(open *time.Time) {
			jobs <- job{b: cur, open: open}
			cur = nil
		}
		var day time.Time
		first := true
		for _, m := range meetings {
			d := m.Start.UTC().Truncate(24 * time.Hour)
			if first || (o.SplitByDay && !d.Equal(day)) {
				if cur != nil {
					send(nil)
				}
				day, first = d, false
				if !o.SplitByDay {
					d = time.Time{}
				}
				jobs <- job{open: &d}
			}
			res.Meetings++
			var sess *exportSession
			var key store.SessionKey
			err := db.ForEachSample(ctx, m.ID, func(s *store.Session, smp *store.Sample) error {
				if sess == nil || s.Key() != key {
					key = s.Key()
					ses := *s
					if red != nil {
						red.Session(&ses)
					}
					sess = &exportSession{participant: ses.Participant, join: ses.JoinTime,
						dims: [numDims]string{ses.UserName, ses.Device, ses.Location, ses.NetworkType, ses.Version, ses.DataCenter}}
					res.Sessions++
				}
				res.Samples++
				for i := 0; i < len(smp.Values); {
					st := smp.Values[i].Stream
					if cur == nil {
						if err := take(); err != nil {
							return err
						}
					}
					r := len(cur.rows)
					for ; i < len(smp.Values) && smp.Values[i].Stream == st; i++ {
						k := at(smp.Values[i].Metric, r)
						cur.vals[k], cur.have[k] = smp.Values[i].V, 1
					}
					cur.rows = append(cur.rows, exportRowRef{meeting: m.ID, sess: sess, time: smp.Time, stream: st})
					res.Rows++
					if len(cur.rows) == exportBatchRows {
						send(nil)
					}
				}
				return nil
			})
			if errors.Is(err, store.ErrNotDatabase) {
				return err // it names the file and the meeting
			}
			if err != nil {
				return fmt.Errorf("meeting %s: %w", m.ID, err)
			}
		}
		if cur != nil {
			send(nil)
		}
		return nil
	}()
	werr := <-writeErr
	if werr != nil && (readErr == nil || errors.Is(readErr, context.Canceled)) {
		return res, werr
	}
	return res, readErr
}

// sinkFor returns the constructor of the sink of the options' format.
func sinkFor(o Options) (func(io.Writer) (rowSink, error), error) {
	switch o.Format {
	case FormatParquet:
		groups := newParquetGroups()
		rows := cmp.Or(max(o.RowGroupRows, 0), defaultRowGroupRows)
		return func(w io.Writer) (rowSink, error) { return newParquetSink(w, o.Version, groups, rows) }, nil
	case FormatCSV, FormatNDJSON:
		return func(w io.Writer) (rowSink, error) { return newTextSink(w, o.Format == FormatCSV), nil }, nil
	}
	return nil, fmt.Errorf("unknown export format %q (use parquet, csv or ndjson)", o.Format)
}
