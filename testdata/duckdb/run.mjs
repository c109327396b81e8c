// Runs SQL statements in one in-memory DuckDB, in order, and prints every
// row each returns as a JSON line: {"statement": i, "row": {column: value}}
// (values as @duckdb/node-api's getRowObjectsJson gives them: numbers,
// strings for 64-bit integers and timestamps, arrays for lists).
// Usage: node run.mjs < statements.json (a JSON array of strings)
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const statements = JSON.parse(readFileSync(0, 'utf8'));
const con = await (await DuckDBInstance.create(':memory:')).connect();
for (const [i, sql] of statements.entries()) {
  let rows;
  try {
    rows = (await con.runAndReadAll(sql)).getRowObjectsJson();
  } catch (e) {
    console.error(`statement ${i + 1}: ${e.message}\n${sql}`);
    process.exit(1);
  }
  for (const row of rows) console.log(JSON.stringify({ statement: i, row }));
}
