package report

import "strings"

// Spreadsheets open CSV files, and Excel, LibreOffice Calc and Google
// Sheets take a cell that begins with "=", "+", "-" or "@" for a formula:
// a participant named =HYPERLINK("http://x","y") would become a link in
// the admin's spreadsheet, and worse formulas can fetch data or run
// programs (OWASP's "CSV Injection"). Every text cell of every CSV
// zoomqos writes (dump, export, analyze) goes through CSVText; numbers and
// times are written by zoomqos and left alone. Parquet and NDJSON keep
// the text exactly: they go to programs, not spreadsheets.

// CSVText guards a CSV text cell as OWASP advises: a cell that begins
// with =, +, -, @, a tab, a carriage return or a line feed gets a leading
// apostrophe, which makes spreadsheets read the cell as text (some show
// the apostrophe, none runs the formula).
// So does a cell that begins with an apostrophe and one of those (or a
// second apostrophe): then the guard can always be undone, by dropping
// the first character of a cell that begins with an apostrophe followed
// by one of them.
//
// A NUL byte becomes U+FFFD: no CSV reader takes one (grep calls the file
// binary, PostgreSQL's COPY refuses it), and no name needs one.
func CSVText(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	if guarded(s) {
		return "'" + s
	}
	return s
}

// guarded reports whether CSVText prefixes s.
func guarded(s string) bool {
	switch {
	case s == "":
		return false
	case formulaStart(s[0]):
		return true
	}
	return s[0] == '\'' && len(s) > 1 && (formulaStart(s[1]) || s[1] == '\'')
}

// formulaStart reports whether a spreadsheet reads a cell beginning with
// c as a formula.
func formulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return true
	}
	return false
}
