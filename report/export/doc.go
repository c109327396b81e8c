// Package export writes stored samples out flat, for other programs: the
// dump of one meeting (CSV, NDJSON, or the raw documents as Zoom sent them)
// and the warehouse export of many (Parquet, CSV, NDJSON; one row per
// session, time and stream, the participant's dimensions beside the
// metrics; docs/WAREHOUSE.md has the schema).
//
// It reads the store, not the analysis: it must not import analyze, nor
// the page or the mail (report/html, report/email). From report it takes
// only what every output of zoomqos shares: the guard of CSV text cells
// against spreadsheet formulas (report.CSVText) and the pseudonyms of a
// redacted export (report.Redactor).
package export
