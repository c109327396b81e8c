package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The proof with real engines: DuckDB and ClickHouse load a Parquet export
// with the SQL that docs/WAREHOUSE.md gives for them, read from the
// document itself, and get zoomqos analyze's p50, p90, p95 and p99 for
// every meeting, session, stream and metric and its degraded shares for
// every meeting and stream. The sections load one day (2026-11-02, the
// incident meeting's) a second time in place of the first: should that
// leave the day's rows twice, the counts show it. Should the document's SQL
// or the export drift, these fail. The engines come from npm (.ci/deps installs them beside
// their scripts, in testdata/duckdb and testdata/clickhouse); each test
// skips without its engine unless its variable is "require", as in CI.

func TestExportMatchesDuckDB(t *testing.T) {
	duckdb := nodeEngine(t, "DuckDB", "testdata/duckdb/run.mjs", "@duckdb/node-api", "ZOOMQOS_DUCKDB_TESTS")
	checkWarehouseSQL(t, "DuckDB", duckdb)
}

// ClickHouse is chDB, ClickHouse embedded in a library (npm's chdb), with
// its own MergeTree tables in a temporary directory. The document's SQL runs
// twice: as the server comes (use_hive_partitioning on) and with hive
// partitioning off, as on older servers, where a load that took day from the
// day= folders would put every row in 1970-01-01 and the day replaced would
// then count twice; the document's load takes day from the file's path.
func TestExportMatchesClickHouse(t *testing.T) {
	for _, c := range []struct{ name, set string }{{"hive partitioning on", ""}, {"hive partitioning off", "SET use_hive_partitioning = 0;"}} {
		t.Run(c.name, func(t *testing.T) {
			clickhouse := nodeEngine(t, "ClickHouse", "testdata/clickhouse/run.mjs", "chdb", "ZOOMQOS_CLICKHOUSE_TESTS")
			var first []string
			if c.set != "" {
				first = append(first, c.set)
			}
			checkWarehouseSQL(t, "ClickHouse", clickhouse, first...)
		})
	}
}

// checkWarehouseSQL exports exportDB's two meetings split by day, runs the
// SQL of the document's section for engine on it (after the statements
// first, a session's settings) and compares what the engine answers with
// zoomqos analyze --format json.
func checkWarehouseSQL(t *testing.T, engine string, run func(stdin []byte, args ...string) []byte, first ...string) {
	t.Helper()
	db := exportDB(t)
	dir := filepath.Join(t.TempDir(), "export")
	if r := zoomqos(t, "", "--db", db, "export", "--from", "2026-01-01", "--split", "day", "-o", dir); r.code != 0 {
		t.Fatalf("export: %s", r.stderr)
	}
	statements, err := json.Marshal(append(first, warehouseSQL(t, engine, dir)...))
	if err != nil {
		t.Fatal(err)
	}
	quantiles, shares := readEngineRows(t, engine, run(statements))

	compared := 0
	for _, meeting := range []string{incidentMeeting, demoMeetingID} {
		r := zoomqos(t, "", "--db", db, "analyze", "--meeting", meeting, "--format", "json")
		var a struct {
			Meeting  string // the ID it is stored and exported under
			Degraded map[string]struct {
				Samples, Degraded int
				Share             float64
			}
			Sessions []struct {
				Participant, Session string
				Streams              map[string]map[string]struct {
					Count              int
					P50, P90, P95, P99 float64
				}
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
			t.Fatalf("analyze %s: %v", meeting, err)
		}
		for st, z := range a.Degraded {
			key := fmt.Sprint(a.Meeting, "|", st)
			e, ok := shares[key]
			delete(shares, key)
			if !ok || int(e.Samples) != z.Samples || int(e.Degraded) != z.Degraded || !close9(float64(e.Share), z.Share) {
				t.Errorf("%s: %s %v of %v degraded (%v), zoomqos %d of %d (%v)", key, engine, e.Degraded, e.Samples, e.Share, z.Degraded, z.Samples, z.Share)
			}
		}
		for _, s := range a.Sessions {
			ms := int64(-1)
			if s.Session != "" {
				ts, err := time.Parse(time.RFC3339Nano, s.Session)
				if err != nil {
					t.Fatal(err)
				}
				ms = ts.UnixMilli()
			}
			for st, metrics := range s.Streams {
				for m, z := range metrics {
					key := fmt.Sprint(a.Meeting, "|", s.Participant, "|", ms, "|", st, "|", m)
					e, ok := quantiles[key]
					if !ok {
						t.Errorf("%s: in zoomqos, not in %s", key, engine)
						continue
					}
					delete(quantiles, key)
					compared++
					if int(e.N) != z.Count {
						t.Errorf("%s: count %v in %s, %d in zoomqos", key, e.N, engine, z.Count)
					}
					if len(e.Q) != 4 {
						t.Errorf("%s: %s gave %d percentiles, want 4", key, engine, len(e.Q))
						continue
					}
					for i, want := range []float64{z.P50, z.P90, z.P95, z.P99} {
						if got := float64(e.Q[i]); !close9(got, want) {
							t.Errorf("%s: p%s %v in %s, %v in zoomqos", key, []string{"50", "90", "95", "99"}[i], got, engine, want)
						}
					}
				}
			}
		}
	}
	for key := range quantiles {
		t.Errorf("%s: in %s, not in zoomqos", key, engine)
	}
	for key := range shares {
		t.Errorf("%s: degraded share in %s, not in zoomqos", key, engine)
	}
	if compared < 1000 {
		t.Errorf("only %d groups compared", compared)
	}
	t.Logf("%d session/stream/metric groups agree to 1e-9 in %s", compared, engine)
}

// close9 tells whether an engine's value is zoomqos's to 1e-9 (relative
// above 1).
func close9(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

// warehouseSQL returns the statements of the ```sql blocks in the section
// "## engine" of docs/WAREHOUSE.md, in order, as a reader would copy them:
// a statement ends with the line that ends in ";", comment lines are left
// out, and the one change is the document's export folder, 'export/ in a
// string, which becomes dir.
func warehouseSQL(t *testing.T, engine, dir string) []string {
	t.Helper()
	b, err := os.ReadFile("docs/WAREHOUSE.md") // from the module root, where TestMain runs the tests
	if err != nil {
		t.Fatal(err)
	}
	var (
		statements     []string
		stmt           []string
		in, fence, sql bool
		replaced       int
	)
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			fence, sql = !fence, !fence && in && strings.TrimSpace(line) == "```sql"
			if !fence && len(stmt) > 0 {
				t.Fatalf("docs/WAREHOUSE.md, %s: a statement without its ';':\n%s", engine, strings.Join(stmt, "\n"))
			}
		case !fence && strings.HasPrefix(line, "## "):
			in = strings.TrimSpace(line[3:]) == engine
		case sql:
			if strings.HasPrefix(strings.TrimSpace(line), "--") {
				continue
			}
			replaced += strings.Count(line, "'export/")
			stmt = append(stmt, strings.ReplaceAll(line, "'export/", "'"+filepath.ToSlash(dir)+"/"))
			if strings.HasSuffix(strings.TrimSpace(line), ";") {
				statements = append(statements, strings.Join(stmt, "\n"))
				stmt = nil
			}
		}
	}
	if len(statements) == 0 || replaced == 0 {
		t.Fatalf("docs/WAREHOUSE.md: no SQL under \"## %s\" that loads 'export/...", engine)
	}
	return statements
}

// engineQuantiles is a row of the document's percentile query.
type engineQuantiles struct {
	Meeting, Participant, Stream, Metric string
	Session                              *string
	N                                    sqlNumber
	Q                                    []sqlNumber `json:"p50_p90_p95_p99"`
}

// engineShare is a row of the document's degraded-share query.
type engineShare struct {
	Meeting, Stream          string
	Samples, Degraded, Share sqlNumber
}

// readEngineRows reads what run.mjs prints: the rows of the percentile
// query (those with p50_p90_p95_p99), keyed by meeting, participant,
// session (milliseconds, -1 for NULL), stream and metric, and those of the
// degraded-share query (with samples and degraded), keyed by meeting and
// stream. Rows of other statements (a DDL's count) are not the document's
// answers and are passed over; both queries must have answered.
func readEngineRows(t *testing.T, engine string, out []byte) (map[string]engineQuantiles, map[string]engineShare) {
	t.Helper()
	quantiles, shares := map[string]engineQuantiles{}, map[string]engineShare{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct{ Row json.RawMessage }
		var cols map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("%s: %v: %s", engine, err, sc.Bytes())
		}
		if err := json.Unmarshal(line.Row, &cols); err != nil {
			t.Fatalf("%s: %v: %s", engine, err, line.Row)
		}
		switch _, q := cols["p50_p90_p95_p99"]; {
		case q:
			var e engineQuantiles
			if err := json.Unmarshal(line.Row, &e); err != nil {
				t.Fatalf("%s: %v: %s", engine, err, line.Row)
			}
			key := fmt.Sprint(e.Meeting, "|", e.Participant, "|", sqlMillis(t, e.Session), "|", e.Stream, "|", e.Metric)
			if _, dup := quantiles[key]; dup {
				t.Errorf("%s: two rows for %s", engine, key)
			}
			quantiles[key] = e
		case cols["samples"] != nil && cols["degraded"] != nil:
			var e engineShare
			if err := json.Unmarshal(line.Row, &e); err != nil {
				t.Fatalf("%s: %v: %s", engine, err, line.Row)
			}
			key := e.Meeting + "|" + e.Stream
			if _, dup := shares[key]; dup {
				t.Errorf("%s: two rows for %s", engine, key)
			}
			shares[key] = e
		}
	}
	if len(quantiles) == 0 || len(shares) == 0 {
		t.Fatalf("%s: the SQL of docs/WAREHOUSE.md gave %d percentile rows and %d degraded shares", engine, len(quantiles), len(shares))
	}
	return quantiles, shares
}

// sqlNumber is a number as an engine's JSON writes it: a JSON number or a
// string holding one (DuckDB writes 64-bit integers so).
type sqlNumber float64

func (n *sqlNumber) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(strings.Trim(string(b), `"`), 64)
	*n = sqlNumber(f)
	return err
}

// sqlMillis reads a UTC timestamp as an engine prints it (DuckDB
// "2026-11-02 10:00:00+00", ClickHouse "2026-11-02 10:00:00.000") as Unix
// milliseconds; NULL is -1.
func sqlMillis(t *testing.T, s *string) int64 {
	t.Helper()
	if s == nil {
		return -1
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999Z07", "2006-01-02 15:04:05.999999999"} {
		if ts, err := time.Parse(layout, *s); err == nil {
			return ts.UnixMilli()
		}
	}
	t.Fatalf("session %q is not a timestamp", *s)
	return 0
}
