// Loads a zoomqos export into DuckDB and prints, as JSON lines, every
// session's and stream's p50, p95 and p99 (quantile_cont, type 7) and count
// of every metric, then every meeting's and stream's degraded rows with
// the default thresholds: the SQL of docs/WAREHOUSE.md.
// Usage: node quantiles.mjs EXPORT.parquet|DIR (a --split day directory)
import { DuckDBInstance } from '@duckdb/node-api';

const [path] = process.argv.slice(2);
const con = await (await DuckDBInstance.create(':memory:')).connect();
const source = path.endsWith('.parquet') ? `'${path}'` : `'${path}/*/*.parquet'`;
await con.run(`CREATE VIEW qos AS SELECT * FROM read_parquet(${source}, hive_partitioning = true)`);
const metrics = (await con.runAndReadAll(`SELECT column_name FROM (DESCRIBE qos) WHERE column_type = 'DOUBLE'`))
  .getRows().map(r => r[0]);
const rows = (await con.runAndReadAll(`SELECT meeting, participant, epoch_ms(session) AS session_ms, stream,
  ${metrics.map(m => `quantile_cont(${m}, [0.5, 0.95, 0.99]) AS "${m}", count(${m}) AS "${m}_n"`).join(', ')}
  FROM qos GROUP BY ALL`)).getRowObjectsJson();
for (const r of rows) {
  for (const m of metrics) {
    const n = Number(r[`${m}_n`]);
    if (n === 0) continue;
    const q = r[m].map(Number);
    console.log(JSON.stringify({ meeting: r.meeting, participant: r.participant, session_ms: r.session_ms === null ? null : Number(r.session_ms),
      stream: r.stream, metric: m, n, p50: q[0], p95: q[1], p99: q[2] }));
  }
}
const degraded = (await con.runAndReadAll(`SELECT meeting, stream,
  count(*) AS samples,
  count(*) FILTER (WHERE degraded) AS degraded
FROM (
  SELECT meeting, stream,
         coalesce(latency_ms > 150 OR jitter_ms > 30 OR avg_loss_pct > 3
                  OR (stream IN ('video_input', 'video_output') AND frame_rate_fps < 7 AND bitrate_kbps > 0)
                  OR (stream = 'cpu_usage' AND system_max_cpu_pct >= 90), false) AS degraded
  FROM qos
)
GROUP BY ALL`)).getRowObjectsJson();
for (const r of degraded) {
  console.log(JSON.stringify({ kind: 'degraded', meeting: r.meeting, stream: r.stream, samples: Number(r.samples), degraded: Number(r.degraded) }));
}
