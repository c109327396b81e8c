// The fleet report's roll-up in DuckDB, for docs/PERFORMANCE.md: reads a
// zoomqos Parquet export and computes what the fleet report's headline,
// trend, roll-ups, worst meetings and people are made of (degraded samples
// on any stream with the default thresholds, per meeting, day, property
// and person), and prints the time each step took and the answers' sizes.
// zoomqos computes more (every session's percentiles, windows, MOS,
// incidents and their why); this is the part a warehouse would do.
// Usage: node fleet-duckdb.mjs EXPORT.parquet [--runs N]
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
const path = args[0];
const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 1;
const t0 = performance.now();
const con = await (await DuckDBInstance.create(':memory:')).connect();
await con.run(`CREATE VIEW qos AS SELECT * FROM read_parquet('${path}')`);

const queries = {
  samples: `CREATE OR REPLACE TEMP TABLE samples AS
    SELECT meeting, participant, session, time,
           any_value(user_name) AS user_name, any_value(device) AS device, any_value(location) AS location,
           any_value(network_type) AS network_type, any_value(client_version) AS client_version,
           any_value(data_center) AS data_center,
           bool_or(coalesce(latency_ms > 150 OR jitter_ms > 30 OR avg_loss_pct > 3
                   OR (stream IN ('video_input', 'video_output') AND frame_rate_fps < 7 AND bitrate_kbps > 0)
                   OR (stream = 'cpu_usage' AND system_max_cpu_pct >= 90), false)) AS degraded
    FROM qos GROUP BY meeting, participant, session, time`,
  meetings: `CREATE OR REPLACE TEMP TABLE meetings AS
    SELECT meeting, min(time) AS start, count(*) AS samples, count(*) FILTER (WHERE degraded) AS degraded,
           count(DISTINCT (participant, session)) AS sessions
    FROM samples GROUP BY meeting`,
  headline: `SELECT count(*) AS meetings, sum(sessions) AS sessions, sum(samples) AS samples,
    sum(degraded) / sum(samples) AS degraded FROM meetings`,
  trend: `SELECT date_trunc('day', m.start) AS day, count(*) AS samples, avg(s.degraded::int) AS degraded
    FROM samples s JOIN meetings m USING (meeting) GROUP BY day ORDER BY day`,
  ...Object.fromEntries(['network_type', 'data_center', 'location', 'device', 'client_version'].map(p => [p,
    `SELECT ${p} AS grp, count(DISTINCT (meeting, participant, session)) AS sessions, count(*) AS samples,
            count(*) FILTER (WHERE degraded) AS degraded,
            count(*) FILTER (WHERE degraded) / (SELECT sum(degraded) FROM meetings) AS explains
     FROM samples GROUP BY grp ORDER BY degraded DESC`])),
  worst: `SELECT meeting, degraded / samples AS share FROM meetings ORDER BY share DESC, sessions DESC LIMIT 20`,
  people: `SELECT participant, any_value(user_name) AS name, count(DISTINCT meeting) AS meetings,
           count(DISTINCT meeting) FILTER (WHERE degraded) AS degraded_meetings,
           avg(degraded::int) AS degraded, mode(device) AS device, mode(network_type) AS network, mode(location) AS location
    FROM samples GROUP BY participant ORDER BY degraded_meetings DESC, degraded DESC LIMIT 50`,
};
const loaded = performance.now();
for (let run = 0; run < runs; run++) {
  const start = performance.now();
  const rows = {};
  for (const [name, sql] of Object.entries(queries)) {
    rows[name] = (await con.runAndReadAll(sql)).getRows().length;
  }
  const ms = performance.now() - start;
  console.log(JSON.stringify({ run, query_ms: Math.round(ms), rows }));
}
console.log(JSON.stringify({ open_ms: Math.round(loaded - t0), total_ms: Math.round(performance.now() - t0) }));
