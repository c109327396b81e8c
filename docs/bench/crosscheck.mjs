// Cross-checks zoomqos against DuckDB on the same data: every session's
// type 7 percentiles, min, max, count and mean of five metrics per stream,
// from `zoomqos dump` (CSV, into DuckDB) and `zoomqos analyze --format json`.
// Usage: node crosscheck.mjs qos.csv analysis.json
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const [csv, analysis] = process.argv.slice(2);
const con = await (await DuckDBInstance.create(':memory:')).connect();
await con.run(`CREATE TABLE qos AS SELECT * FROM read_csv('${csv}', header = true)`);
const ps = '[0.5, 0.9, 0.95, 0.99]';
const cols = ['latency_ms', 'jitter_ms', 'avg_loss_pct', 'bitrate_kbps', 'frame_rate_fps'];
const rows = (await con.runAndReadAll(`SELECT participant, strftime(session, '%Y-%m-%dT%H:%M:%SZ') AS session, stream,
  ${cols.map(c => `quantile_cont(${c}, ${ps})::VARCHAR AS ${c}, min(${c}) AS ${c}_min, max(${c}) AS ${c}_max,
  avg(${c}) AS ${c}_mean, count(${c}) AS ${c}_n`).join(', ')} FROM qos GROUP BY ALL`)).getRowObjectsJson();

const zq = JSON.parse(readFileSync(analysis, 'utf8'));
const sessions = new Map(zq.sessions.map(s => [`${s.participant} ${s.session}`, s]));
let groups = 0, values = 0, differ = 0, outside = 0, worst = 0, worstMean = 0, missing = 0;
for (const row of rows) {
  const s = sessions.get(`${row.participant} ${row.session}`);
  for (const c of cols) {
    const n = Number(row[`${c}_n`]);
    const st = s?.streams?.[row.stream]?.[c];
    if (n === 0) { if (st) missing++; continue; }
    if (!st || st.count !== n || st.min !== Number(row[`${c}_min`]) || st.max !== Number(row[`${c}_max`])) { missing++; continue; }
    groups++;
    const duck = JSON.parse(row[c]);
    [st.p50, st.p90, st.p95, st.p99].forEach((v, i) => {
      values++;
      if (v !== duck[i]) {
        differ++;
        worst = Math.max(worst, Math.abs(v - duck[i]) / Math.abs(v));
        if (duck[i] < st.min || duck[i] > st.max) outside++;
      }
    });
    const m = Number(row[`${c}_mean`]);
    if (m !== 0) worstMean = Math.max(worstMean, Math.abs(m - st.mean) / Math.abs(m));
  }
}
console.log(`${groups} session/stream/metric groups, ${values} percentiles: ${differ} differ (largest relative difference ${worst.toExponential(2)}; DuckDB's value outside [min, max] in ${outside} of them)`);
console.log(`means: largest relative difference ${worstMean.toExponential(2)}; groups with another count, min or max, or missing: ${missing}`);
