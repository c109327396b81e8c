package collect

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

// One meeting's requests: its details, its QoS and participants lists,
// one participant's QoS.

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
