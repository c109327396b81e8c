// Reads a Parquet file with arrow-rs (npm's parquet-wasm, the Rust parquet
// crate built for WebAssembly; apache-arrow for the tables it returns) and
// prints, as JSON lines, the schema ({"fields": [[name, Arrow type,
// nullable], ...]}) and then every row as an array: strings, numbers,
// timestamps in milliseconds, null for NULL.
// Usage: node read.mjs FILE.parquet
import { readFileSync } from 'node:fs';
import { readParquet } from 'parquet-wasm';
import { tableFromIPC } from 'apache-arrow';

const [path] = process.argv.slice(2);
const table = tableFromIPC(readParquet(new Uint8Array(readFileSync(path))).intoIPCStream());
const fields = table.schema.fields;
console.log(JSON.stringify({ fields: fields.map(f => [f.name, String(f.type), f.nullable]) }));
const cols = fields.map(f => table.getChild(f.name));
for (let i = 0; i < table.numRows; i++) {
  console.log(JSON.stringify(cols.map(c => {
    const v = c.get(i);
    return typeof v === 'bigint' ? Number(v) : v;
  })));
}
