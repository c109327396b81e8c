package collect

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

// Live meetings: collected once, or watched until they end.

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
