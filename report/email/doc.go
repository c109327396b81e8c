// Package email writes a meeting's summary as a MIME message that mail
// clients show as it is: tables with inline CSS and PNG charts (drawn with
// gonum/plot, referenced by cid:) in the HTML part, the same facts in the
// text part, and the interactive report attached.
//
// It draws from report's view model (report.NewView), as the page does.
// It must not import report/html: the report to attach comes as bytes
// (Options.Report), so that the command writes the page once, for its
// file and for the mail (the tests use report/html to attach a real
// one). Nor does it send mail (internal/smtp does) or know anything of
// the command line.
package email
