// DuckDB side of the side-by-side in docs/PERFORMANCE.md: five metrics'
// type 7 percentiles per participant session and stream, over the rows of
// `zoomqos dump`.
//
//   node side-by-side.mjs load qos.csv qos.duckdb   # once: the CSV into a DuckDB table
//   node side-by-side.mjs query qos.duckdb          # time this end to end
//
// query prints the number of groups and the query's own time, best of
// --runs N (default 1) runs.
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, ...args] = process.argv.slice(2);
if (mode === 'load') {
  const [csv, db] = args;
  const con = await (await DuckDBInstance.create(db)).connect();
  const t = performance.now();
  await con.run(`CREATE OR REPLACE TABLE qos AS SELECT * FROM read_csv('${csv}', header = true)`);
  const n = (await con.runAndReadAll('SELECT count(*) FROM qos')).getRows()[0][0];
  console.log(`loaded ${n} rows in ${(performance.now() - t).toFixed(0)} ms`);
} else if (mode === 'query') {
  const [db, flag, runs = '1'] = args;
  const con = await (await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' })).connect();
  const ps = '[0.5, 0.9, 0.95, 0.99]';
  const query = `SELECT participant, session, stream,
    quantile_cont(latency_ms, ${ps}) AS latency, quantile_cont(jitter_ms, ${ps}) AS jitter,
    quantile_cont(avg_loss_pct, ${ps}) AS loss, quantile_cont(bitrate_kbps, ${ps}) AS bitrate,
    quantile_cont(frame_rate_fps, ${ps}) AS fps
    FROM qos GROUP BY participant, session, stream`;
  let best = Infinity, groups = 0;
  for (let i = 0; i < (flag === '--runs' ? Number(runs) : 1); i++) {
    const t = performance.now();
    groups = (await con.runAndReadAll(query)).getRows().length;
    best = Math.min(best, performance.now() - t);
  }
  console.log(`${groups} groups; query ${best.toFixed(0)} ms`);
} else {
  console.error('usage: side-by-side.mjs load qos.csv qos.duckdb | query qos.duckdb [--runs N]');
  process.exit(2);
}
