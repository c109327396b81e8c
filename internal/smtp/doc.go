// Package smtp sends mail: one message to its recipients through a server
// named by a URL (smtp:// with STARTTLS, smtps:// with TLS from the start),
// logging in when the URL names a user. It insists on TLS unless the server
// is on this machine, says which recipients a server refused, and quotes a
// server's replies in its errors on one line with the password scrubbed
// from them, in whatever form the server echoed it.
//
// It owns the SMTP conversation and nothing else: it knows no flags,
// environment variables or config files (a wrong or missing setting is a
// *SettingError, which the caller words for its users), and no message
// formats. It imports nothing of zoomqos but internal/secret, the leaf that
// knows what a secret looks like in text; tests talk to internal/smtptest.
package smtp
