// Package failon is the expression language of `zoomqos report --fail-on`:
// a condition over the headline figures of a fleet report's period which,
// when true, makes the command fail so that cron or a CI job can alert.
//
//	degraded>10%
//	degraded > 10%, mos < 3.5
//	delta_degraded>5% and not incidents==0
//	(degraded>10% or worst_meeting>50%) and sessions>=20
//
// # Grammar
//
// In EBNF; names and the words and, or, not are case-insensitive, and
// spaces, tabs and line breaks may stand between any two tokens:
//
//	expr       = conj { ( "or" | "," ) conj } .
//	conj       = unary { "and" unary } .
//	unary      = "not" unary | "(" expr ")" | comparison .
//	comparison = name op number .
//	op         = ">" | ">=" | "<" | "<=" | "==" | "!=" .
//	number     = [ "+" | "-" ] ( digits [ "." digits ] | "." digits ) [ "%" ] .
//	digits     = "0" … "9" { "0" … "9" } .
//	name       = one of the names of Names, such as degraded or delta_mos .
//
// So not binds tightest, then and, then or; "," is another way to write or
// (degraded>10%,mos<3.5 is true when either is). A number ends at a space,
// an operator, a parenthesis or a comma; "%" must follow its number
// directly and divides it by 100 (degraded>10% is degraded > 0.10), for
// any name. Numbers are written in plain decimals: no exponent, no NaN, no
// infinity. A comparison compares the figure with the number in float64.
//
// # Figures
//
// The names are those of Names: a fleet report's headline figures
// (meetings, participants, sessions, session_hours, degraded, mos,
// incidents, worst_meeting) and the change of each against the previous
// period of the same length (delta_meetings … delta_worst_meeting). Shares
// such as degraded are fractions from 0 to 1, and a delta of a share is a
// difference of fractions: delta_degraded>5% means up by more than 5 points.
//
// A figure can be missing: mos when no session had a MOS, every delta_ when
// the previous period had no data. A comparison over a missing figure (or
// one whose value is NaN) is false and is reported as not evaluated, so
// that the user is told; not makes such a false true like any other, so
// not mos<3.5 is true when there is no MOS.
//
// # Limits and errors
//
// An expression is at most 1,000 bytes long, also when written out in its
// canonical form (Expr.String), and nests at most 50 levels of parentheses
// and not. It is UTF-8 without control characters (other than tab and line
// breaks). Every error is an *Error: one line giving the 1-based character
// position at which the expression goes wrong (its length plus one for the
// end) and what was wanted there.
//
// The package knows nothing of the command line: it reads no flag and no
// environment variable, and decides nothing about exit codes.
package failon
