package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
)

// How zoomqos shows the comparison of Zoom's own ratings with its
// verdicts (analyze.RatingAgreement): a terminal table, CSV rows, a line
// of an e-mail.

// NoZoomRatings is what zoomqos says when no session has a Zoom rating.
const NoZoomRatings = "Zoom's own ratings: none stored (they come from the participants list: collect again to get them)"

// agreementTitle heads the table.
const agreementTitle = "Zoom's ratings vs zoomqos (sessions; zoomqos: degraded = at least one degradation window on a stream of the kind, no data = no sample of the kind)"

// AgreementRate says how many compared sessions of a kind agree: "37 of
// 41 (90.2%)", or "-" when none could be compared.
func AgreementRate(k analyze.KindAgreement) string {
	if k.Rate == nil {
		return "-"
	}
	return fmt.Sprintf("%d of %d (%s)", k.Agree, k.Compared, Pct(*k.Rate))
}

// writeAgreementTable writes the contingency tables and the first
// disagreeing sessions, their join times in loc; fleet adds the meeting of
// each, and names the zone.
func writeAgreementTable(tw io.Writer, a *analyze.RatingAgreement, fleet bool, loc *time.Location) {
	if a.Rated == 0 {
		fmt.Fprintln(tw, NoZoomRatings)
		return
	}
	fmt.Fprintln(tw, agreementTitle)
	fmt.Fprintln(tw, "KIND\tZOOM SAYS\tDEGRADED\tNOT DEGRADED\tNO DATA\tAGREE")
	var unrated []string
	for _, k := range a.Kinds {
		if k.Rated == 0 {
			unrated = append(unrated, k.Kind)
			continue
		}
		for i, row := range k.Rows {
			kind, agree := "", ""
			if i == 0 {
				kind, agree = k.Kind, AgreementRate(k)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", kind, row.Rating, row.Degraded, row.NotDegraded, row.NoData, agree)
		}
	}
	if len(unrated) > 0 {
		fmt.Fprintf(tw, "Zoom rated no session's %s.\n", strings.Join(unrated, " or "))
	}
	var ds []kindDisagreement
	more := 0
	for _, k := range a.Kinds {
		for _, d := range k.Disagreements {
			ds = append(ds, kindDisagreement{Kind: k.Kind, Disagreement: d})
		}
		more += k.MoreDisagreements
	}
	if len(ds) == 0 {
		fmt.Fprintln(tw, "No rated session disagrees.")
		return
	}
	zone := ""
	if fleet && !IsUTC(loc) { // a meeting's table names the zone at its top
		zone = ", times in " + ZoneLabel(loc)
	}
	if more == 0 {
		fmt.Fprintf(tw, "Disagreements: %d%s\n", len(ds), zone)
	} else {
		fmt.Fprintf(tw, "Disagreements: %d (the first %d of each kind listed)%s\n", len(ds)+more, analyze.MaxDisagreements, zone)
	}
	head := "KIND\tPARTICIPANT\tNAME\tJOINED\tZOOM SAYS\tZOOMQOS SAYS\tWORST"
	if fleet {
		head = "KIND\tMEETING\tPARTICIPANT\tNAME\tJOINED\tZOOM SAYS\tZOOMQOS SAYS\tWORST"
	}
	fmt.Fprintln(tw, head)
	for _, d := range ds {
		joined := shortTime(d.Session, loc)
		if fleet {
			joined = "-"
			if t, err := time.Parse(time.RFC3339Nano, d.Session); err == nil {
				joined = DayClock.FormatIn(t, loc)
			}
			fmt.Fprintf(tw, "%s\t%s\t", d.Kind, cell(d.Meeting))
		} else {
			fmt.Fprintf(tw, "%s\t", d.Kind)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", cell(d.Participant), cell(d.UserName), joined, d.Zoom, d.Zoomqos, d.Worst)
	}
}

// kindDisagreement is a disagreement with the kind it is about.
type kindDisagreement struct {
	Kind string
	analyze.Disagreement
}

// agreementRows are the agreement's CSV rows, each a stream kind
// ("audio"), a metric ("zoom_good_not_degraded": sessions Zoom rated good
// and zoomqos found not degraded; "agree", "compared") and a count. None
// when no session has a Zoom rating.
func agreementRows(a *analyze.RatingAgreement) [][3]string {
	if a.Rated == 0 {
		return nil
	}
	var out [][3]string
	for _, k := range a.Kinds {
		for _, row := range k.Rows {
			for _, c := range []struct {
				verdict string
				n       int
			}{{"degraded", row.Degraded}, {"not_degraded", row.NotDegraded}, {"no_data", row.NoData}} {
				out = append(out, [3]string{k.Kind, "zoom_" + row.Rating + "_" + c.verdict, strconv.Itoa(c.n)})
			}
		}
		out = append(out, [3]string{k.Kind, "agree", strconv.Itoa(k.Agree)}, [3]string{k.Kind, "compared", strconv.Itoa(k.Compared)})
	}
	return out
}

// AgreementLine says in one sentence how often Zoom's ratings agree with
// zoomqos, such as "Zoom's ratings agree with zoomqos for 37 of 41 audio
// sessions, 20 of 22 video sessions"; empty when nothing could be
// compared.
func AgreementLine(a *analyze.RatingAgreement) string {
	var parts []string
	for _, k := range a.Kinds {
		if k.Compared > 0 {
			parts = append(parts, fmt.Sprintf("%d of %d %s sessions", k.Agree, k.Compared, strings.ReplaceAll(k.Kind, "_", " ")))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Zoom's ratings agree with zoomqos for " + strings.Join(parts, ", ")
}
