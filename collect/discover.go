package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

// Discovery of past meetings through GET /metrics/meetings (and
// webinars), and collecting the meetings it finds on several at once.

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
				end, _ := time.Parse(time.RFC3339, m.EndTime)
				out = append(out, Target{ID: id, Webinar: webinars, Topic: m.Topic, Number: m.ID.String(), PastOne: sp.typ == "pastOne",
					details: bytes.Clone(raw), listSource: fmt.Sprintf("%s page %d (its entry)", endpoint, page), end: end})
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
	UUID    string      `json:"uuid"`
	ID      json.Number `json:"id"`
	Topic   string      `json:"topic"`
	EndTime string      `json:"end_time"`
}

// past discovers the past meetings of the range and collects those not
// collected in full before (all with Refresh), several at once; with
// EndedSince, only those that ended since.
func (c *Collector) past(ctx context.Context, plan Plan) error {
	if oldest := time.Now().UTC().AddDate(0, -6, 0).Truncate(24 * time.Hour); plan.From.Before(oldest) {
		return fmt.Errorf("Zoom lists past meetings of the last six months only: a range from %s (before %s) would be refused", plan.From.Format(time.DateOnly), oldest.Format(time.DateOnly))
	}
	targets, err := c.discover(ctx, store.Past, plan.From, plan.To, plan.Webinars, plan.PastOne)
	if !c.listed(ctx, targets, err, plan.Webinars) {
		return err
	}
	var todo []Target
	earlier := 0
	for _, t := range targets {
		if !plan.EndedSince.IsZero() && !t.end.IsZero() && t.end.Before(plan.EndedSince) {
			earlier++
			continue
		}
		if !plan.Refresh {
			if m, err := c.DB.MeetingInfo(ctx, t.ID); err == nil && !m.Collected.IsZero() {
				c.report.Skipped++
				continue
			}
		}
		todo = append(todo, t)
	}
	attrs := []any{"what", map[bool]string{false: "meetings", true: "webinars"}[plan.Webinars],
		"found", len(targets), "to collect", len(todo), "skipped", c.report.Skipped}
	if !plan.EndedSince.IsZero() {
		attrs = append(attrs, "ended earlier", earlier)
	}
	c.log.Info("discovered", attrs...)
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
