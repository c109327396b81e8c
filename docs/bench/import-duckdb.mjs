// DuckDB's side of the import comparison in docs/PERFORMANCE.md: reads the
// saved QoS list pages that `zoomqos import` reads (one JSON file a page)
// with read_json, unnests participants and their user_qos into one row a
// sample with every stream's object, and keeps them in a table. Prints,
// as one JSON line, the samples and the statement's time, best of --runs
// N (default 1), and the process's time so far.
// Usage: node import-duckdb.mjs 'DIR/*-qos-*.json' [--runs N]
import { DuckDBInstance } from '@duckdb/node-api';

const t0 = performance.now();
const args = process.argv.slice(2);
const glob = args[0];
const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 1;
const con = await (await DuckDBInstance.create(':memory:')).connect();
const sql = `CREATE OR REPLACE TABLE samples AS
  SELECT p.id AS participant, p.user_id, p.user_name, p.device, p.join_time, p.leave_time,
         unnest(p.user_qos, recursive := true)
  FROM (SELECT unnest(participants) AS p FROM read_json('${glob}'))`;
let best = Infinity, samples = 0;
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  await con.run(sql);
  best = Math.min(best, performance.now() - t);
  samples = Number((await con.runAndReadAll('SELECT count(*) FROM samples')).getRows()[0][0]);
}
const columns = (await con.runAndReadAll('SELECT count(*) FROM (DESCRIBE samples)')).getRows()[0][0];
console.log(JSON.stringify({ samples, columns: Number(columns), best_ms: Math.round(best), total_ms: Math.round(performance.now() - t0) }));
