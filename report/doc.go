// Package report is what every output of zoomqos shares, and the outputs
// for a terminal and a spreadsheet: the view model a meeting's page and
// e-mail are drawn from (Meeting, View), the analysis as terminal tables
// and CSV, the list of meetings, the agreement of Zoom's ratings with
// zoomqos's; and the rules every output follows, for strings from Zoom
// (DisplayText, CSVText), for times (TimeLayout), for figures (Num, Pct)
// and for redaction (Redactor).
//
// It draws from the analysis and the store's model. It must not import
// what builds on it (report/html, report/email, report/export), a charting
// library, a mail or network client, or anything of the command line: no
// flag or environment variable is named here.
package report
