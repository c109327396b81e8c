// Package cli is zoomqos' command line: the app with its global flags
// (app.go), one file per command (collect.go, analyze.go, report.go,
// export.go, ...), and the one list of settings that flags, the
// environment and the config file give (settings.go). Run is all main
// calls.
//
// Commands are methods of app, the typed state of one run (its log, the
// secrets scrubbed from stderr, the config file). Each action stays thin:
// it reads flags and settings, opens the store, calls the package that
// does the work with a context and plain arguments, and prints. Flag and
// environment-variable names live here and nowhere below: the packages
// return typed errors, and this package words the advice that names them.
//
// It may import every zoomqos package; none imports it.
package cli
