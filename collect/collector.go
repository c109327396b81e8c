package collect

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/internal/secret"
	"github.com/zoomqos/zoomqos/store"
)

// Mode is what a collection does.
type Mode int

const (
	// ModeMeeting: every participant of one meeting, through the list
	// endpoint, page after page.
	ModeMeeting Mode = iota
	// ModeParticipant: one participant through the single-participant
	// endpoint.
	ModeParticipant
	// ModePast: discover the past meetings in a date range and collect each.
	ModePast
	// ModeLive: collect live meetings (one, or all running), once or until
	// they end.
	ModeLive
)

// Target is a meeting or webinar: a number (its latest instance) or an
// instance UUID.
type Target struct {
	ID      string
	Webinar bool
	Topic   string // from discovery or the meeting's details
	Number  string // from discovery or the meeting's details, when ID is a UUID
	PastOne bool   // discovered with type=pastOne: a meeting of one participant

	// details is the meeting's entry in the discovery list, as Zoom sent
	// it: stored as the meeting's details document.
	details []byte
	// listSource names the list the entry came from.
	listSource string
}

func (t Target) kind() string {
	if t.Webinar {
		return "webinars"
	}
	return "meetings"
}

func (t Target) what() string {
	if t.Webinar {
		return "webinar"
	}
	return "meeting"
}

// Plan says what to collect.
type Plan struct {
	Mode        Mode
	Target      Target    // ModeMeeting, ModeParticipant; ModeLive: empty for every live meeting
	Type        string    // store.Past or store.Live, for ModeMeeting and ModeParticipant
	Participant string    // ModeParticipant: a user_id or participant id
	From, To    time.Time // ModePast: the dates, both included
	Webinars    bool      // ModePast, and ModeLive without a target: discover webinars, not meetings
	PastOne     bool      // ModePast: also discover meetings of one participant (Zoom's type=pastOne)
	Refresh     bool      // ModePast: collect meetings already collected in full, too
	Watch       bool      // ModeLive: poll until the meetings end
	Interval    time.Duration
	Concurrency int // meetings collected at once, within the rate limit (default 4)
}

// Progress is a snapshot for a progress display.
type Progress struct {
	MeetingsDone, MeetingsTotal int
	Pages                       int
	Added, Present              int
	Client                      zoom.ClientStats
}

// CollectReport says what a collection did.
type CollectReport struct {
	Meetings int // meetings with pages stored
	Webinars int // webinars with pages stored
	// PartialMeetings and PartialWebinars are those of Meetings and
	// Webinars that could not be collected in full: their pages received
	// are stored, but their lists did not end as they should, or a
	// request failed, or the run stopped while they were collected.
	PartialMeetings, PartialWebinars int
	Skipped                          int     // past meetings or webinars skipped: collected in full before
	Ended                            int     // live meetings or webinars seen ending
	Failed                           []error // meetings or webinars that could not be collected; the others were
	Pages                            int     // documents stored
	// Merged are meetings an older zoomqos stored under their number,
	// moved into the instance (UUID) they are.
	Merged []Merged
	Counts
	Client  zoom.ClientStats
	Elapsed time.Duration

	webinars bool // webinars were asked for: none collected is "0 webinars"
}

// Summary says what was collected, in words: "12 meetings and 2
// webinars", "1 meeting", "2 webinars"; and, when some could not be
// collected in full, how many were and how many only in part: "9 meetings
// in full and 3 only in part".
func (r *CollectReport) Summary() string {
	count := func(n, partial int, what string) string {
		s := plural(n-partial, what)
		if partial > 0 {
			s += fmt.Sprintf(" in full and %d only in part", partial)
		}
		return s
	}
	meetings, webinars := count(r.Meetings, r.PartialMeetings, "meeting"), count(r.Webinars, r.PartialWebinars, "webinar")
	switch {
	case r.Webinars == 0 && r.Meetings == 0 && r.webinars:
		return webinars
	case r.Webinars == 0:
		return meetings
	case r.Meetings == 0:
		return webinars
	case r.PartialMeetings+r.PartialWebinars > 0:
		return meetings + ", and " + webinars
	}
	return meetings + " and " + webinars
}

// plural is "1 meeting", "2 meetings".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Collector collects QoS samples from the Zoom API into the store. Each
// page is committed as it arrives, so an interruption, a crash or the daily
// limit loses at most the page in flight, and a re-run adds only what is
// missing. A Collector runs one plan at a time.
type Collector struct {
	Client     *zoom.Client
	DB         *store.DB
	Log        *slog.Logger
	OnProgress func(Progress) // called after each stored page; may be nil

	report     CollectReport // of the run under way
	mu         sync.Mutex
	pipe       *pipeline
	done       int
	total      int
	meetings   map[string]bool // meetings and webinars with pages stored
	unfinished []Target        // meetings and webinars whose collection ended in an error
	listErr    error           // a discovery that stopped early: reported after what it listed
	log        *slog.Logger    // Log, scrubbed with the client's secrets
}

// Run carries out a plan and says what it did, also when it returns an
// error: what was collected until then is stored, and counted. Problems
// with single meetings of a discovery are reported in the report's Failed
// and at the end as an error, after the rest was collected; the daily
// limit and Ctrl-C stop the run with what was collected kept.
func (c *Collector) Run(ctx context.Context, plan Plan) (CollectReport, error) {
	c.report, c.done, c.total, c.unfinished, c.listErr = CollectReport{}, 0, 0, nil, nil
	err := c.run(ctx, plan)
	return c.report, err
}

// run carries out a plan, counting in c.report.
func (c *Collector) run(ctx context.Context, plan Plan) error {
	start := time.Now()
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	c.log = slog.New(secret.NewHandler(c.Log.Handler(), c.Client.Secrets()))
	if plan.Concurrency <= 0 {
		plan.Concurrency = 4
	}
	if plan.Interval <= 0 {
		plan.Interval = time.Minute
	}
	c.meetings = map[string]bool{}
	c.report.webinars = plan.Webinars || plan.Target.Webinar
	c.pipe = newPipeline(ctx, c.DB, c.commit).logTo(c.Log)
	var err error
	switch plan.Mode {
	case ModeMeeting:
		c.addTotal(1)
		if plan.Target, err = c.identify(ctx, plan.Target, plan.Type); err == nil {
			err = c.meeting(ctx, plan.Target, plan.Type)
		}
		if err != nil {
			c.unfinished = append(c.unfinished, plan.Target)
		}
		c.meetingDone()
	case ModeParticipant:
		c.addTotal(1)
		if plan.Target, err = c.identify(ctx, plan.Target, plan.Type); err == nil {
			err = c.participant(ctx, plan.Target, plan.Type, plan.Participant)
		}
		if err != nil {
			c.unfinished = append(c.unfinished, plan.Target)
		}
		c.meetingDone()
	case ModePast:
		err = c.past(ctx, plan)
	case ModeLive:
		err = c.live(ctx, plan)
	default:
		err = fmt.Errorf("unknown collection mode %d", plan.Mode)
	}
	perr := c.pipe.close()
	if perr == nil && len(c.meetings) > 0 && !errors.Is(err, context.Canceled) {
		// A meeting an older zoomqos stored under its number joins the
		// instance now stored under its UUID.
		merged, aerr := AbsorbNumbered(context.WithoutCancel(ctx), c.DB, c.log)
		c.report.Merged = append(c.report.Merged, merged...)
		if aerr != nil {
			c.log.Warn("could not merge a meeting stored under its number into its instance", "error", aerr)
		}
	}
	c.report.Client = c.Client.Stats()
	c.report.Elapsed = time.Since(start)
	// Every commit is done: a meeting that ended in an error and has
	// pages stored was collected in part.
	for _, t := range c.unfinished {
		switch {
		case !c.meetings[t.ID]:
		case t.Webinar:
			c.report.PartialWebinars++
		default:
			c.report.PartialMeetings++
		}
	}
	switch {
	case perr != nil && (err == nil || errors.Is(err, perr) || errors.Is(err, context.Canceled)):
		return perr // the store failed; what the fetchers say follows from it
	case err != nil:
		return c.whatWasStored(plan, err)
	}
	var errs []error
	if c.listErr != nil {
		errs = append(errs, c.listErr)
	}
	if len(c.report.Failed) > 0 {
		what := "meetings"
		if plan.Webinars || plan.Target.Webinar {
			what = "webinars"
		}
		failed := fmt.Sprintf("%d of %d %s could not be collected", len(c.report.Failed), c.total, what)
		rest := ""
		if len(c.report.Failed) < c.total {
			rest = " (the rest were)"
		}
		if partial := c.report.PartialMeetings + c.report.PartialWebinars; partial > 0 {
			failed += fmt.Sprintf(" in full%s, %d of them only in part: what they sent is stored", rest, partial)
			if plan.Mode == ModePast {
				failed += ", and the next run fetches them again"
			}
		} else {
			failed += rest
		}
		errs = append(errs, fmt.Errorf("%s: %w", failed, errors.Join(c.report.Failed...)))
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// whatWasStored adds to the error that ended the collection of one
// meeting what of it is stored, and that it was not marked as collected in
// full. The daily limit and an interruption say so themselves.
func (c *Collector) whatWasStored(plan Plan, err error) error {
	var dl *zoom.DailyLimitError
	t := plan.Target
	if plan.Mode != ModeMeeting || !c.meetings[t.ID] || errors.As(err, &dl) || errors.Is(err, context.Canceled) {
		return err
	}
	stored := fmt.Sprintf("the %d pages received are stored", c.report.Pages)
	if c.report.Pages == 1 {
		stored = "the page received is stored"
	}
	stored += " (" + plural(c.report.Sessions, "session") + ")"
	if plan.Type != store.Past {
		return fmt.Errorf("%w; %s", err, stored)
	}
	return fmt.Errorf("%w; %s, but the %s is not marked as collected in full: running the same command again fetches it again",
		err, stored, t.what())
}

// commit counts a stored page; the pipeline calls it in order.
func (c *Collector) commit(j *job) {
	c.mu.Lock()
	r := &c.report
	if j.complete {
		c.mu.Unlock()
		return
	}
	r.Pages++
	if !c.meetings[j.meeting.ID] {
		c.meetings[j.meeting.ID] = true
		if j.meeting.Webinar {
			r.Webinars++
		} else {
			r.Meetings++
		}
	}
	r.count(j)
	p := c.progressLocked()
	c.mu.Unlock()
	if c.OnProgress != nil {
		c.OnProgress(p)
	}
}

func (c *Collector) progressLocked() Progress {
	return Progress{MeetingsDone: c.done, MeetingsTotal: c.total, Pages: c.report.Pages,
		Added: c.report.Added, Present: c.report.Present, Client: c.Client.Stats()}
}

func (c *Collector) addTotal(n int) {
	c.mu.Lock()
	c.total += n
	c.mu.Unlock()
}

func (c *Collector) meetingDone() {
	c.mu.Lock()
	c.done++
	p := c.progressLocked()
	c.mu.Unlock()
	if c.OnProgress != nil {
		c.OnProgress(p)
	}
}

// fail records a meeting that could not be collected; report says
// whether it goes into the report's Failed (an error that stops the run does
// not: it is the run's error).
func (c *Collector) fail(t Target, err error, report bool) {
	c.mu.Lock()
	c.unfinished = append(c.unfinished, t)
	if report {
		c.report.Failed = append(c.report.Failed, err)
	}
	c.mu.Unlock()
}

// meeting collects a meeting: every participant's QoS through the list
// endpoint (page_size 10, Zoom's maximum), then the participants list
// (page_size 300), which alone has each session's network type, data
// center, connection and Zoom's own quality ratings; each page is committed
// as it comes. Past data is then marked collected in full. A list that
// would never end (a repeated next_page_token, more pages than page_count)
// stops with an error; the pages stored stay.
func (c *Collector) meeting(ctx context.Context, t Target, typ string) error {
	if t.details != nil {
		// The discovery list's entry is the meeting's details. A live
		// meeting's entry changes every minute (its duration): kept once
		// a run.
		if err := c.storeDetails(ctx, t, typ, t.details, t.listSource); err != nil {
			return err
		}
	}
	if err := c.list(ctx, t, typ, qosList); err != nil {
		return err
	}
	listType := typ
	if t.PastOne && typ == store.Past {
		listType = "pastOne"
	}
	if err := c.list(ctx, t, listType, participantsList); err != nil {
		return err
	}
	if typ == store.Past {
		return c.pipe.add(ctx, doc{meeting: t.meeting(typ), complete: true})
	}
	return nil
}

// meeting is the store's meeting of a target collected with type typ.
func (t Target) meeting(typ string) store.Meeting {
	if typ != store.Live {
		typ = store.Past
	}
	return store.Meeting{ID: t.ID, Type: typ, Webinar: t.Webinar, Topic: t.Topic, Number: t.Number}
}

// listKind is one of the paginated endpoints of a meeting.
type listKind struct {
	suffix   string // after /metrics/meetings/{id}
	pageSize string
	want     *zoom.Answer
}

var (
	qosList          = listKind{suffix: "/participants/qos", pageSize: "10", want: zoom.QoSPage}
	participantsList = listKind{suffix: "/participants", pageSize: "300", want: zoom.ParticipantsPage}
)

// list reads every page of one of a meeting's lists, committing each page
// as it comes. An expired page token starts the list over (twice at most):
// the pages stored already are recognised as present.
func (c *Collector) list(ctx context.Context, t Target, typ string, k listKind) error {
	endpoint := "GET /metrics/" + t.kind() + "/{" + t.what() + "Id}" + k.suffix
	req := zoom.Request{Path: "/metrics/" + t.kind() + "/" + zoom.EscapeID(t.ID) + k.suffix,
		Endpoint: endpoint, Meeting: t.ID, Webinar: t.Webinar, Want: k.want,
		Query: url.Values{"type": {typ}, "page_size": {k.pageSize}}}
	m := t.meeting(typ)
	restarts := 0
	pages := zoom.Pager{List: "participants"}
	for page := 1; ; page++ {
		req.Page = page
		body, err := c.Client.Get(ctx, req)
		var ae *zoom.APIError
		if errors.As(err, &ae) && ae.Code == zoom.CodeBadPageToken && req.Query.Get("next_page_token") != "" && restarts < 2 {
			c.log.Warn("page token refused; starting the list over", t.what(), t.ID, "endpoint", endpoint)
			restarts++
			page = 0
			pages = zoom.Pager{List: "participants"}
			req.Query.Del("next_page_token")
			continue
		}
		if err != nil {
			return err
		}
		// A page received is stored even if Ctrl-C comes now: only what is
		// still on the wire is lost.
		where := fmt.Sprintf("%s %s %s page %d", t.what(), t.ID, endpoint, page)
		err = c.pipe.add(context.WithoutCancel(ctx), doc{meeting: m, source: fmt.Sprintf("%s?type=%s page %d", strings.Replace(endpoint, "{"+t.what()+"Id}", t.ID, 1), typ, page),
			where: where, what: "page " + fmt.Sprint(page), data: body, liveCopy: typ == store.Live})
		if err != nil {
			return err
		}
		next, err := pages.Next(body, page)
		if err != nil {
			return c.Client.Secrets().Error(fmt.Errorf("%s %s: %s: %w", t.what(), t.ID, endpoint, err))
		}
		if next == "" {
			return nil
		}
		req.Query.Set("next_page_token", next)
	}
}

// identify reads the details of a meeting named by the user (GET
// /metrics/meetings/{meetingId}, or the webinar one), stores them, and
// returns the target named by its instance UUID, as discovery names it: a
// meeting collected by number or by UUID is one meeting in the store.
func (c *Collector) identify(ctx context.Context, t Target, typ string) (Target, error) {
	endpoint := "GET /metrics/" + t.kind() + "/{" + t.what() + "Id}"
	body, err := c.Client.Get(ctx, zoom.Request{Path: "/metrics/" + t.kind() + "/" + zoom.EscapeID(t.ID), Query: url.Values{"type": {typ}},
		Endpoint: endpoint, Meeting: t.ID, Webinar: t.Webinar, Want: zoom.MeetingDetails})
	if err != nil {
		return t, err
	}
	var probs zoom.Problems
	page, err := zoom.NewParser().Parse(body, &probs)
	if err != nil || page.Details == nil {
		if err == nil {
			err = errors.New("it holds no meeting details")
		}
		return t, c.Client.Secrets().Error(fmt.Errorf("%s %s: %s: %w", t.what(), t.ID, endpoint, err))
	}
	d := page.Details
	asked := t.ID
	if d.UUID != "" && store.ValidMeetingID(d.UUID) == nil {
		t.ID = d.UUID
	}
	t.Topic = cmp.Or(d.Topic, t.Topic)
	t.Number = cmp.Or(d.Number, t.Number)
	if asked != t.ID {
		c.log.Debug(t.what()+" identified", "asked", asked, "uuid", t.ID, "number", t.Number, "topic", t.Topic)
	}
	source := fmt.Sprintf("GET /metrics/%s/%s?type=%s", t.kind(), asked, typ)
	return t, c.storeDetails(ctx, t, typ, body, source)
}

// storeDetails stores a meeting's details document (the details answer,
// or its discovery list entry).
func (c *Collector) storeDetails(ctx context.Context, t Target, typ string, data []byte, source string) error {
	return c.pipe.add(context.WithoutCancel(ctx), doc{meeting: t.meeting(typ), source: source,
		where: fmt.Sprintf("%s %s details (from %s)", t.what(), t.ID, source), what: "details", data: data})
}

// participant collects one participant through the single-participant
// endpoint: the request this project started from.
func (c *Collector) participant(ctx context.Context, t Target, typ, pid string) error {
	endpoint := "GET /metrics/" + t.kind() + "/{" + t.what() + "Id}/participants/{participantId}/qos"
	body, err := c.Client.Get(ctx, zoom.Request{
		Path:     "/metrics/" + t.kind() + "/" + zoom.EscapeID(t.ID) + "/participants/" + url.PathEscape(pid) + "/qos",
		Query:    url.Values{"type": {typ}},
		Endpoint: endpoint, Meeting: t.ID, Webinar: t.Webinar, Want: zoom.ParticipantQoS,
	})
	if err != nil {
		return err
	}
	return c.pipe.add(context.WithoutCancel(ctx), doc{meeting: t.meeting(typ),
		source: fmt.Sprintf("GET /metrics/%s/%s/participants/%s/qos?type=%s", t.kind(), t.ID, pid, typ),
		where:  fmt.Sprintf("%s %s participant %s", t.what(), t.ID, pid), what: "participant " + pid,
		data: body, liveCopy: typ == store.Live})
}

// discover lists the meetings (or webinars) of a type through
// GET /metrics/meetings: for past ones, one call per month of the range
// (Zoom's limit), each paginated, and with pastOne the meetings of one
// participant too (Zoom lists them apart). These are Resource-intensive
// calls, limited apart from the rest (zoom.ClientConfig.ListRate). A list that
// would never end stops that month, and the others are still listed; a
// request that fails stops the discovery. Either way the meetings listed
// until then are returned with the error.
func (c *Collector) discover(ctx context.Context, typ string, from, to time.Time, webinars, pastOne bool) ([]Target, error) {
	kind, want := "meetings", zoom.MeetingList
	if webinars {
		kind, want = "webinars", zoom.WebinarList
	}
	type span struct {
		from, to time.Time
		typ      string
	}
	spans := []span{{typ: typ}}
	if typ == store.Past {
		spans = spans[:0]
		for s := from; !s.After(to); {
			e := s.AddDate(0, 1, -1)
			if e.After(to) {
				e = to
			}
			spans = append(spans, span{s, e, store.Past})
			if pastOne {
				spans = append(spans, span{s, e, "pastOne"})
			}
			s = e.AddDate(0, 0, 1)
		}
	}
	seen := map[string]bool{}
	var out []Target
	var endless []error
	for _, sp := range spans {
		q := url.Values{"type": {sp.typ}, "page_size": {"300"}}
		endpoint := "GET /metrics/" + kind + "?type=" + sp.typ
		if typ == store.Past {
			q.Set("from", sp.from.Format(time.DateOnly))
			q.Set("to", sp.to.Format(time.DateOnly))
			endpoint += "&from=" + q.Get("from") + "&to=" + q.Get("to")
		}
		pages := zoom.Pager{List: kind}
		for page := 1; ; page++ {
			body, err := c.Client.Get(ctx, zoom.Request{Path: "/metrics/" + kind, Query: q, Endpoint: endpoint, Page: page, Want: want, ResourceIntensive: true})
			if err != nil {
				return out, errors.Join(append(endless, err)...)
			}
			var list struct {
				Meetings []json.RawMessage `json:"meetings"`
				Webinars []json.RawMessage `json:"webinars"`
			}
			if err := json.Unmarshal(body, &list); err != nil {
				return out, errors.Join(append(endless, fmt.Errorf("%s: page %d: unreadable answer: %w", endpoint, page, err))...)
			}
			for _, raw := range append(list.Meetings, list.Webinars...) {
				var m listMeeting
				if err := json.Unmarshal(raw, &m); err != nil {
					return out, errors.Join(append(endless, fmt.Errorf("%s: page %d: unreadable entry: %w", endpoint, page, err))...)
				}
				id := m.UUID
				if id == "" {
					id = m.ID.String()
				}
				if id == "" || seen[id] || store.ValidMeetingID(id) != nil {
					continue
				}
				seen[id] = true
				out = append(out, Target{ID: id, Webinar: webinars, Topic: m.Topic, Number: m.ID.String(), PastOne: sp.typ == "pastOne",
					details: bytes.Clone(raw), listSource: fmt.Sprintf("%s page %d (its entry)", endpoint, page)})
			}
			next, err := pages.Next(body, page)
			if err != nil {
				endless = append(endless, c.Client.Secrets().Error(fmt.Errorf("%s: %w", endpoint, err)))
				break
			}
			if next == "" {
				break
			}
			q.Set("next_page_token", next)
		}
	}
	return out, errors.Join(endless...)
}

// listed keeps the error of a discovery that stopped early, to report
// after the meetings it listed are collected; it reports whether they
// should be. An error that stops the run, or one before anything was
// listed, is the run's error at once.
func (c *Collector) listed(ctx context.Context, found []Target, err error, webinars bool) bool {
	if err == nil {
		return true
	}
	if fatal(ctx, err) || len(found) == 0 {
		return false
	}
	what := "meetings"
	if webinars {
		what = "webinars"
	}
	if len(found) == 1 {
		what = what[:len(what)-1]
	}
	c.listErr = fmt.Errorf("%w; the %d %s it did list were still collected", err, len(found), what)
	return true
}

// fatal reports whether an error must stop the whole run: the daily
// limit, an access token refused when no other can be had, or the end of
// the run's context.
func fatal(ctx context.Context, err error) bool {
	var dl *zoom.DailyLimitError
	return errors.As(err, &dl) || errors.Is(err, zoom.ErrTokenRefused) || ctx.Err() != nil
}

// listMeeting is an entry of GET /metrics/meetings.
type listMeeting struct {
	UUID  string      `json:"uuid"`
	ID    json.Number `json:"id"`
	Topic string      `json:"topic"`
}

// past discovers the past meetings of the range and collects those not
// collected in full before (all with Refresh), several at once.
func (c *Collector) past(ctx context.Context, plan Plan) error {
	if oldest := time.Now().UTC().AddDate(0, -6, 0).Truncate(24 * time.Hour); plan.From.Before(oldest) {
		return fmt.Errorf("Zoom lists past meetings of the last six months only: a range from %s (before %s) would be refused", plan.From.Format(time.DateOnly), oldest.Format(time.DateOnly))
	}
	targets, err := c.discover(ctx, store.Past, plan.From, plan.To, plan.Webinars, plan.PastOne)
	if !c.listed(ctx, targets, err, plan.Webinars) {
		return err
	}
	var todo []Target
	for _, t := range targets {
		if !plan.Refresh {
			if m, err := c.DB.MeetingInfo(ctx, t.ID); err == nil && !m.Collected.IsZero() {
				c.report.Skipped++
				continue
			}
		}
		todo = append(todo, t)
	}
	c.log.Info("discovered", "what", map[bool]string{false: "meetings", true: "webinars"}[plan.Webinars],
		"found", len(targets), "to collect", len(todo), "skipped", c.report.Skipped)
	c.addTotal(len(todo))
	return c.each(ctx, todo, plan.Concurrency, func(ctx context.Context, t Target) error {
		err := c.meeting(ctx, t, store.Past)
		if err == nil {
			c.log.Info("collected", t.what(), t.ID, "topic", t.Topic)
		}
		return err
	})
}

// each runs fn for the targets, n at once. A daily limit, a failed commit
// or ctx's end stops everything; other errors are kept in the report's Failed.
func (c *Collector) each(ctx context.Context, targets []Target, n int, fn func(context.Context, Target) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan Target)
	var wg sync.WaitGroup
	for range min(n, max(1, len(targets))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				err := fn(ctx, t)
				c.meetingDone()
				switch {
				case err == nil:
				case fatal(ctx, err) || c.pipe.ctx.Err() != nil:
					c.fail(t, err, false)
					cancel(err)
				default:
					c.log.Warn("could not collect", t.what(), t.ID, "error", err)
					c.fail(t, err, true)
				}
			}
		}()
	}
	for _, t := range targets {
		select {
		case work <- t:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(work)
	wg.Wait()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return nil
}

// live collects live meetings: the target, or every meeting running. With
// Watch it polls every Interval until they end (404 code 3001 on a watched
// meeting means it is over), appending only new samples.
func (c *Collector) live(ctx context.Context, plan Plan) error {
	if plan.Target.ID != "" {
		t, err := c.identify(ctx, plan.Target, store.Live)
		if err != nil {
			c.fail(plan.Target, err, false)
			return err
		}
		plan.Target = t
	}
	described := map[string]bool{} // list entries stored: once a run
	ended := map[string]bool{}
	seen := map[string]bool{} // polled with an answer at least once
	failures := map[string]int{}
	for round := 1; ; round++ {
		var targets []Target
		if plan.Target.ID != "" {
			targets = []Target{plan.Target}
		} else {
			found, err := c.discover(ctx, store.Live, time.Time{}, time.Time{}, plan.Webinars, false)
			if !c.listed(ctx, found, err, plan.Webinars) {
				return err
			}
			for _, t := range found {
				if described[t.ID] {
					t.details = nil
				}
				described[t.ID] = true
				if !ended[t.ID] {
					targets = append(targets, t)
				}
			}
		}
		if len(targets) == 0 {
			c.log.Info("no live "+map[bool]string{false: "meetings", true: "webinars"}[plan.Webinars], "round", round)
			return nil
		}
		c.addTotal(len(targets))
		var mu sync.Mutex
		err := c.each(ctx, targets, plan.Concurrency, func(ctx context.Context, t Target) error {
			err := c.meeting(ctx, t, store.Live)
			var ae *zoom.APIError
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				seen[t.ID] = true
			}
			switch {
			case errors.As(err, &ae) && ae.NotAvailable() && plan.Target.ID != "" && !seen[t.ID]:
				// The one asked for was never live in this run: not
				// running now, or a wrong ID. Not "seen ending", and
				// not watched any longer.
				ended[t.ID] = true
				return err
			case errors.As(err, &ae) && ae.NotAvailable():
				c.log.Info("live "+t.what()+" ended", t.what(), t.ID)
				ended[t.ID] = true
				c.report.Ended++
				return nil
			case err == nil || !plan.Watch || fatal(ctx, err):
				failures[t.ID] = 0
				return err
			}
			// While watching, a poll that failed is tried again next round;
			// three failures in a row give the meeting up.
			if failures[t.ID]++; failures[t.ID] < 3 {
				c.log.Warn("poll failed; trying again next round", t.what(), t.ID, "error", err)
				return nil
			}
			ended[t.ID] = true
			return err
		})
		if err != nil {
			return err
		}
		if c.listErr != nil {
			return nil // the list of live meetings cannot be trusted: no more rounds
		}
		if !plan.Watch || !slices.ContainsFunc(targets, func(t Target) bool { return !ended[t.ID] }) && plan.Target.ID != "" {
			return nil
		}
		t := time.NewTimer(plan.Interval)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}
