// Loads a zoomqos export into DuckDB and prints, as JSON lines, every
// session's and stream's p50, p95 and p99 (quantile_cont, type 7) and count
// of every metric, the way docs/WAREHOUSE.md computes them.
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
