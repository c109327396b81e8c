package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/collect"
	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

func collectCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:  "collect",
		Usage: "collect QoS samples from the Zoom API into the database",
		Description: `Calls Zoom's dashboard API and stores every page as it arrives: Ctrl-C, a
crash or Zoom's daily limit loses at most the page in flight, and running the
same command again continues without duplicates.

Credentials come from the environment or the config file (--config), never
from flags: ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET of a
Server-to-Server OAuth app with the dashboard_meetings:read:admin scope (and
dashboard_webinars:read:admin for webinars), or the granular scopes
dashboard:read:list_meeting_participants_qos:admin,
dashboard:read:list_meeting_participants:admin, dashboard:read:meeting:admin
and dashboard:read:list_meetings:admin; or a plain ZOOM_ACCESS_TOKEN. ZOOM_API_URL and ZOOM_TOKEN_URL (or --api-url and
--token-url) point elsewhere, such as 'zoomqos fakezoom'.

What to collect:
   --meeting ID              every participant of a meeting (past data by default)
   --meeting ID --participant ID
                             one participant
   --past --from DATE [--to DATE]
                             every past meeting in the range, skipping those
                             collected in full before (unless --refresh)
   --live [--watch]          every live meeting (or --meeting ID), polled every
                             --interval until it ends with --watch
   --webinar ID, --webinars  the same for webinars
A meeting ID is a meeting number (its latest instance) or an instance UUID;
either way the meeting is stored under its instance UUID, read from the
meeting's details. For each meeting collect reads its details, every QoS page
and then the participants list, which alone has each session's network type,
data center, connection type and Zoom's own quality ratings.
The exit status is 75 when Zoom's daily limit stopped the run.

Examples:
   zoomqos collect --meeting 85012345678
   zoomqos collect --meeting 'ajXp112QmuoKj4854875==' --participant 16778240
   zoomqos collect --past --from 2026-10-01 --to 2026-11-25
   zoomqos collect --live --watch --interval 60s
   zoomqos collect --past --from 2026-11-01 --quiet   # from cron`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "meeting", Usage: "a meeting `ID` or instance UUID"},
			&cli.StringFlag{Name: "webinar", Usage: "a webinar `ID` or instance UUID"},
			&cli.StringFlag{Name: "participant", Usage: "with --meeting or --webinar: only this participant `ID` (user_id)"},
			&cli.StringFlag{Name: "type", Value: store.Past, Usage: "with --meeting or --webinar: past or live data"},
			&cli.BoolFlag{Name: "past", Usage: "discover and collect the past meetings between --from and --to"},
			&cli.StringFlag{Name: "from", Usage: "with --past: the first `DATE` (yyyy-mm-dd, UTC)"},
			&cli.StringFlag{Name: "to", Usage: "with --past: the last `DATE` (default: today)"},
			&cli.BoolFlag{Name: "refresh", Usage: "with --past: collect meetings collected in full before, too"},
			&cli.BoolFlag{Name: "past-one", Usage: "with --past: also meetings of one participant (Zoom lists them apart, as type pastOne; most are someone alone in their room)"},
			&cli.BoolFlag{Name: "webinars", Usage: "with --past or --live: webinars instead of meetings"},
			&cli.BoolFlag{Name: "live", Usage: "collect live meetings (all, or --meeting)"},
			&cli.BoolFlag{Name: "watch", Usage: "with --live: poll until the meetings end"},
			&cli.DurationFlag{Name: "interval", Value: time.Minute, Usage: "with --watch: time between polls"},
			&cli.Float64Flag{Name: "rate", Value: zoom.DefaultRate, Usage: "Heavy requests a second at most: QoS, participants, details (Zoom allows 10 on Pro, 40 on Business and up)"},
			&cli.Float64Flag{Name: "list-rate", Value: zoom.DefaultListRate, Usage: "Resource-intensive requests a minute at most: the meeting and webinar lists of --past and --live (Zoom allows 10 on Pro, 20 on Business and up)"},
			&cli.IntFlag{Name: "concurrency", Value: 4, Usage: "meetings collected at once, within --rate"},
			&cli.StringFlag{Name: "api-url", EnvVars: []string{"ZOOM_API_URL"}, Usage: "the Zoom API's base `URL` (default " + zoom.DefaultAPIURL + ")"},
			&cli.StringFlag{Name: "token-url", EnvVars: []string{"ZOOM_TOKEN_URL"}, Usage: "the OAuth token `URL` (default " + zoom.DefaultTokenURL + ")"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing but errors (for cron)"},
		},
		Action: a.runCollect,
	}
}

func (a *app) runCollect(c *cli.Context) error {
	plan, err := a.collectPlan(c)
	if err != nil {
		return err
	}
	client, settings, err := a.zoomClient(c)
	if err != nil {
		return err
	}
	log := a.log
	db, err := a.openStore(c, false)
	if err != nil {
		return err
	}
	defer db.Close()

	quiet := c.Bool("quiet")
	if quiet {
		a.quietLogs() // errors still reach stderr
	}
	col := &collect.Collector{Client: client, DB: db, Log: log}
	var line *progressLine
	if !quiet && isTerminal(a.stderr) {
		line = &progressLine{w: c.App.ErrWriter}
		col.OnProgress = line.update
	}
	log.Debug("collecting", "credentials", settings.Credentials, "api_url", settings.APIURL)
	collected, err := col.Run(c.Context, plan)
	if line != nil {
		line.done()
	}
	if !quiet {
		printCollect(c.App.Writer, &collected)
	}
	if errors.Is(err, context.Canceled) {
		return interrupted("interrupted: every page received is stored; run the same command again to continue")
	}
	return err
}

// zoomClient is the Zoom client of a command with collect's client flags
// (--api-url, --token-url, --rate, --list-rate): its settings from the
// environment and the config file, the flags winning over them.
func (a *app) zoomClient(c *cli.Context) (*zoom.Client, zoomSettings, error) {
	cfg, err := a.loadConfig(c)
	if err != nil {
		return nil, zoomSettings{}, err
	}
	settings := readZoomSettings(cfg.lookup)
	if u := c.String("api-url"); u != "" {
		settings.APIURL = u
	}
	if u := c.String("token-url"); u != "" {
		settings.TokenURL = u
	}
	for _, u := range []struct{ what, v string }{{"--api-url (or ZOOM_API_URL)", settings.APIURL}, {"--token-url (or ZOOM_TOKEN_URL)", settings.TokenURL}} {
		if u.v != "" {
			if err := checkHTTPURL(u.v); err != nil {
				return nil, settings, usageError{fmt.Errorf("%s %q: %w", u.what, u.v, err)}
			}
		}
	}
	client, err := newZoomClient(zoom.ClientConfig{
		Credentials: settings.Credentials, APIURL: settings.APIURL, TokenURL: settings.TokenURL,
		Rate: c.Float64("rate"), ListRate: c.Float64("list-rate"), Log: a.log, UserAgent: "zoomqos/" + c.App.Version, Secrets: a.secrets,
	})
	return client, settings, err
}

// collectPlan reads the flags into a plan, refusing combinations that make
// no sense.
func (a *app) collectPlan(c *cli.Context) (collect.Plan, error) {
	plan := collect.Plan{Type: c.String("type"), Refresh: c.Bool("refresh"), Webinars: c.Bool("webinars"), PastOne: c.Bool("past-one"),
		Watch: c.Bool("watch"), Interval: c.Duration("interval"), Concurrency: c.Int("concurrency"),
		Participant: strings.TrimSpace(c.String("participant"))}
	bad := func(format string, a ...any) (collect.Plan, error) {
		return plan, usageError{fmt.Errorf(format, a...)}
	}
	meeting, webinar := strings.TrimSpace(c.String("meeting")), strings.TrimSpace(c.String("webinar"))
	switch {
	case meeting != "" && webinar != "":
		return bad("give --meeting or --webinar, not both")
	case meeting != "":
		plan.Target = collect.Target{ID: store.NormalizeNumber(meeting)}
	case webinar != "":
		plan.Target = collect.Target{ID: store.NormalizeNumber(webinar), Webinar: true}
	}
	if plan.Target.ID == store.Latest {
		return bad("collect asks Zoom, which knows no 'latest': give a meeting number or UUID (see zoomqos meetings)")
	}
	if plan.Target.ID != "" {
		flag := "--meeting"
		if plan.Target.Webinar {
			flag = "--webinar"
		}
		if err := checkMeetingID(flag, plan.Target.ID); err != nil {
			return plan, err
		}
	}
	if plan.Type != store.Past && plan.Type != store.Live {
		return bad("--type %q: use past or live", plan.Type)
	}
	if c.Float64("rate") <= 0 || c.Int("concurrency") <= 0 || c.Float64("list-rate") <= 0 {
		return bad("--rate, --list-rate and --concurrency must be positive")
	}
	switch {
	case c.Bool("past") && c.Bool("live"):
		return bad("give --past or --live, not both")
	case c.Bool("past"):
		if plan.Target.ID != "" || plan.Participant != "" {
			return bad("--past discovers meetings: drop --meeting, --webinar and --participant")
		}
		plan.Mode = collect.ModePast
		var err error
		if plan.From, plan.To, err = a.dateRange(c, "--past"); err != nil {
			return plan, err
		}
		if oldest := time.Now().UTC().AddDate(0, -6, 0).Truncate(24 * time.Hour); plan.From.Before(oldest) {
			return bad("--from %s: Zoom lists past meetings of the last six months only (from %s on); a longer range is refused by Zoom, so nothing was asked",
				plan.From.Format(time.DateOnly), oldest.Format(time.DateOnly))
		}
	case c.Bool("live"):
		if plan.Participant != "" {
			return bad("--live collects whole meetings: drop --participant")
		}
		plan.Mode = collect.ModeLive
		if plan.Interval < time.Second {
			return bad("--interval must be at least 1s")
		}
	case plan.Target.ID == "":
		return bad("say what to collect: --meeting ID, --webinar ID, --past --from DATE, or --live")
	case plan.Participant != "":
		plan.Mode = collect.ModeParticipant
	default:
		plan.Mode = collect.ModeMeeting
	}
	if plan.Mode != collect.ModeLive && plan.Watch {
		return bad("--watch goes with --live")
	}
	if plan.Mode != collect.ModePast && plan.PastOne {
		return bad("--past-one goes with --past")
	}
	return plan, nil
}

func printCollect(w io.Writer, r *collect.CollectReport) {
	fmt.Fprintf(w, "collected %s", r.Summary())
	if r.Skipped > 0 {
		fmt.Fprintf(w, " (%d skipped: collected in full before)", r.Skipped)
	}
	if r.Ended > 0 {
		fmt.Fprintf(w, ", %d live seen ending", r.Ended)
	}
	fmt.Fprintf(w, ": %s, %s (%d new)\n", plural(r.Participants, "participant"), plural(r.Sessions, "session"), r.NewSessions)
	fmt.Fprintf(w, "  samples   %d added, %d already present, %d replaced by a newer copy\n", r.Added, r.Present, r.Replaced)
	fmt.Fprintf(w, "  requests  %d (%d retries, %s), %s waiting on rate limits, %s in all\n",
		r.Client.Requests, r.Client.Retries, plural(int(r.Client.TokenRequests), "token"),
		r.Client.RateWait.Round(time.Millisecond), r.Elapsed.Round(time.Millisecond))
	for _, m := range r.Merged {
		fmt.Fprintf(w, "  merged    meeting %s, stored under its number by an older zoomqos, into its instance %s\n", m.Number, m.Into)
	}
	printProblems(w, &r.Problems)
}
