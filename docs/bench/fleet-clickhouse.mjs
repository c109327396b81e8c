// Loading a zoomqos export into ClickHouse, for docs/PERFORMANCE.md: creates
// the MergeTree table of docs/WAREHOUSE.md's ClickHouse section in chDB
// (ClickHouse embedded, npm's chdb, which .ci/deps installs into
// testdata/clickhouse) in a fresh directory, loads a `--split day` export
// into it with the document's INSERT, and prints the time and rows/s of
// each run. With --parallel N it loads each day's file with an INSERT of
// its own instead, N at a time, as parallel clients would.
// Usage: node docs/bench/fleet-clickhouse.mjs EXPORT_DIR [--runs N] [--parallel N]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const require = createRequire(new URL('../../testdata/clickhouse/', import.meta.url));
const { Session } = require('chdb');

const args = process.argv.slice(2);
const dir = resolve(args[0]);
const opt = (name, def) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : def);
const runs = opt('--runs', 3);
const parallel = opt('--parallel', 0);

// The section's first sql block: CREATE TABLE and INSERT, as a reader copies them.
const doc = readFileSync(new URL('../WAREHOUSE.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('\n## ClickHouse\n'), doc.indexOf('\n## BigQuery\n'));
const block = section.match(/```sql\n([\s\S]*?)```/)[1];
const [create, insert] = block.split(/;\s*$/m).map(s => s.replace(/^--.*$/gm, '').trim()).filter(Boolean);
if (!create.startsWith('CREATE TABLE qos') || !insert.startsWith('INSERT INTO qos')) {
  throw new Error('docs/WAREHOUSE.md: the ClickHouse section no longer starts with CREATE TABLE qos and INSERT INTO qos');
}
const days = readdirSync(dir).filter(d => d.startsWith('day=')).sort();

const data = mkdtempSync(join(tmpdir(), 'zoomqos-chdb-bench-'));
const session = new Session(data);
try {
  for (let run = 0; run < runs; run++) {
    session.query('DROP TABLE IF EXISTS qos SYNC');
    session.query(create);
    const start = performance.now();
    if (parallel > 0) {
      const queue = [...days];
      await Promise.all(Array.from({ length: parallel }, async () => {
        for (let day; (day = queue.shift()); ) {
          await session.queryAsync(insert.replace("'export/*/*.parquet'", `'${dir}/${day}/zoomqos.parquet'`));
        }
      }));
    } else {
      session.query(insert.replace("'export/", `'${dir}/`));
    }
    const ms = performance.now() - start;
    const [rows, parts, bytes] = session.query(
      `SELECT (SELECT count() FROM qos), count(), sum(bytes_on_disk) FROM system.parts WHERE table = 'qos' AND active`, 'TSV')
      .trim().split('\t').map(Number);
    console.log(JSON.stringify({ run, files: days.length, parallel, rows, ms: Math.round(ms),
      rows_per_s: Math.round(rows / (ms / 1000)), parts, mb_on_disk: Math.round(bytes / 1e6) }));
  }
} finally {
  session.close();
  rmSync(data, { recursive: true, force: true });
}
