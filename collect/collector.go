package collect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/internal/secret"
	"github.com/zoomqos/zoomqos/store"
)

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
	base := c.Log
	if base == nil {
		base = slog.New(slog.DiscardHandler)
	}
	c.log = slog.New(secret.NewHandler(base.Handler(), c.Client.Secrets()))
	if plan.Concurrency <= 0 {
		plan.Concurrency = 4
	}
	if plan.Interval <= 0 {
		plan.Interval = time.Minute
	}
	c.meetings = map[string]bool{}
	c.report.webinars = plan.Webinars || plan.Target.Webinar
	c.pipe = newPipeline(ctx, c.DB, c.commit).logTo(c.log)
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
