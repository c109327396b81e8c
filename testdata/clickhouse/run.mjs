// Runs SQL statements in one chDB session (ClickHouse embedded, npm's
// chdb) over a fresh data directory, in order, and prints every row each
// returns as a JSON line: {"statement": i, "row": {column: value}} (the
// row as ClickHouse's JSONEachRow format writes it).
// Usage: node run.mjs < statements.json (a JSON array of strings)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';

const statements = JSON.parse(readFileSync(0, 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'zoomqos-chdb-'));
const session = new Session(dir);
try {
  for (const [i, sql] of statements.entries()) {
    let out;
    try {
      out = session.query(sql, 'JSONEachRow');
    } catch (e) {
      console.error(`statement ${i + 1}: ${e.message}\n${sql}`);
      process.exitCode = 1;
      break;
    }
    for (const line of out.split('\n')) {
      if (line) console.log(`{"statement":${i},"row":${line}}`);
    }
  }
} finally {
  session.close();
  rmSync(dir, { recursive: true, force: true });
}
