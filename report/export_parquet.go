package report

import (
	"fmt"
	"io"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/zoomqos/zoomqos/store"
)

// parquetRow is the Parquet schema of an export (docs/WAREHOUSE.md): the
// metrics and the dimensions are optional, NULL when absent; the strings
// that repeat are dictionary-encoded; times are UTC timestamps in
// milliseconds.
type parquetRow struct {
	Meeting     string     `parquet:"meeting,dict"`
	Participant string     `parquet:"participant,dict"`
	Session     *time.Time `parquet:"session,optional,timestamp(millisecond)"`
	Time        time.Time  `parquet:"time,timestamp(millisecond)"`
	Stream      string     `parquet:"stream,dict"`

	BitrateKbps     *float64 `parquet:"bitrate_kbps,optional"`
	LatencyMS       *float64 `parquet:"latency_ms,optional"`
	JitterMS        *float64 `parquet:"jitter_ms,optional"`
	AvgLossPct      *float64 `parquet:"avg_loss_pct,optional"`
	MaxLossPct      *float64 `parquet:"max_loss_pct,optional"`
	FrameRateFPS    *float64 `parquet:"frame_rate_fps,optional"`
	Width           *float64 `parquet:"width,optional"`
	Height          *float64 `parquet:"height,optional"`
	ZoomMinCPUPct   *float64 `parquet:"zoom_min_cpu_pct,optional"`
	ZoomAvgCPUPct   *float64 `parquet:"zoom_avg_cpu_pct,optional"`
	ZoomMaxCPUPct   *float64 `parquet:"zoom_max_cpu_pct,optional"`
	SystemMaxCPUPct *float64 `parquet:"system_max_cpu_pct,optional"`
	RSSIMinDBm      *float64 `parquet:"rssi_min_dbm,optional"`
	RSSIAvgDBm      *float64 `parquet:"rssi_avg_dbm,optional"`
	RSSIMaxDBm      *float64 `parquet:"rssi_max_dbm,optional"`
	CPUPressureMin  *float64 `parquet:"cpu_pressure_min,optional"`
	CPUPressureAvg  *float64 `parquet:"cpu_pressure_avg,optional"`
	CPUPressureMax  *float64 `parquet:"cpu_pressure_max,optional"`

	UserName      string `parquet:"user_name,optional,dict"`
	Device        string `parquet:"device,optional,dict"`
	Location      string `parquet:"location,optional,dict"`
	NetworkType   string `parquet:"network_type,optional,dict"`
	ClientVersion string `parquet:"client_version,optional,dict"`
	DataCenter    string `parquet:"data_center,optional,dict"`
}

// metricFields points at a row's metric fields in store.Metric order.
func (r *parquetRow) metricFields() [store.NumMetrics]**float64 {
	return [store.NumMetrics]**float64{&r.BitrateKbps, &r.LatencyMS, &r.JitterMS, &r.AvgLossPct, &r.MaxLossPct,
		&r.FrameRateFPS, &r.Width, &r.Height, &r.ZoomMinCPUPct, &r.ZoomAvgCPUPct, &r.ZoomMaxCPUPct, &r.SystemMaxCPUPct,
		&r.RSSIMinDBm, &r.RSSIAvgDBm, &r.RSSIMaxDBm, &r.CPUPressureMin, &r.CPUPressureAvg, &r.CPUPressureMax}
}

// Rows per row group: enough for good compression and fast scans, few
// enough that the writer's buffers stay small.
const parquetRowGroup = 256 << 10

type parquetSink struct {
	w    *parquet.GenericWriter[parquetRow]
	rows []parquetRow
}

func newParquetSink(w io.Writer) (rowSink, error) {
	pw := parquet.NewGenericWriter[parquetRow](w,
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedFastest}),
		parquet.MaxRowsPerRowGroup(parquetRowGroup),
		parquet.CreatedBy("zoomqos", "", ""),
		// Page bounds of names and places prune nothing and cost a scan of
		// each page's dictionary; the row groups keep their statistics.
		parquet.SkipPageBounds("participant"), parquet.SkipPageBounds("user_name"), parquet.SkipPageBounds("device"),
		parquet.SkipPageBounds("location"), parquet.SkipPageBounds("network_type"),
		parquet.SkipPageBounds("client_version"), parquet.SkipPageBounds("data_center"),
	)
	return &parquetSink{w: pw, rows: make([]parquetRow, exportBatchRows)}, nil
}

func (s *parquetSink) write(b *exportBatch, done func()) error {
	defer done()
	rows := s.rows[:len(b.rows)]
	for i, r := range b.rows {
		row := &rows[i]
		*row = parquetRow{Meeting: r.meeting, Participant: r.sess.participant, Time: r.time, Stream: r.stream.String(),
			UserName: r.sess.dims[0], Device: r.sess.dims[1], Location: r.sess.dims[2], NetworkType: r.sess.dims[3],
			ClientVersion: r.sess.dims[4], DataCenter: r.sess.dims[5]}
		if !r.sess.join.IsZero() {
			row.Session = &r.sess.join
		}
		// The values point into the batch: the writer copies them before
		// Write returns, and the batch is not reused before then.
		base := i * int(store.NumMetrics)
		for m, f := range row.metricFields() {
			if b.have[base+m] {
				*f = &b.vals[base+m]
			}
		}
	}
	if _, err := s.w.Write(rows); err != nil {
		return fmt.Errorf("write Parquet: %w", err)
	}
	return nil
}

func (s *parquetSink) close() error {
	if err := s.w.Close(); err != nil {
		return fmt.Errorf("write Parquet: %w", err)
	}
	return nil
}
