package zoom

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxPages bounds a list whose pages say nothing of how many there are:
// 100,000 participants at ten a page, more than Zoom allows in a meeting
// or a webinar.
const maxPages = 10000

// maxEmptyPages is how many empty pages in a row a list may send, each
// with a next_page_token, before it is stopped: Zoom may send an empty
// page in the middle of a list, but not page after page of them.
const maxEmptyPages = 3

// Pager follows a list's next_page_token, page after page, and stops a
// list that would never end: a next_page_token seen before, more pages than the list's
// page_count and total_records allow (when it sends them, 0 included), or
// empty page after empty page. Each extra page is a Heavy request of the
// account's daily allowance.
type Pager struct {
	List  string         // the array a page holds: "participants", "meetings", "webinars"
	seen  map[string]int // next_page_token -> the page that gave it
	empty int            // empty pages in a row
}

// errEndless marks the error of a list that was stopped because it would
// not end.
var errEndless = errors.New("the list would not end")

// endlessError is a list stopped because following it would not end.
type endlessError struct{ msg string }

func (e *endlessError) Error() string        { return e.msg }
func (e *endlessError) Is(target error) bool { return target == errEndless }

func stopped(format string, a ...any) error { return &endlessError{msg: fmt.Sprintf(format, a...)} }

// Next returns the next_page_token of page (numbered from 1), "" at the
// end, or an error naming the page when following it would not end.
func (p *Pager) Next(body []byte, page int) (string, error) {
	h := readListHeader(body, p.List)
	if h.empty {
		p.empty++
	} else {
		p.empty = 0
	}
	if h.next == "" {
		return "", nil
	}
	if prev, ok := p.seen[h.next]; ok {
		return "", stopped("page %d: Zoom sent the same next_page_token as page %d; stopped, as following it would ask for the same page again and again (and use up the daily limit)", page, prev)
	}
	if p.seen == nil {
		p.seen = map[string]int{}
	}
	p.seen[h.next] = page
	if pages, known := h.pages(); known && page >= pages {
		return "", stopped("page %d: %s, yet page %d has a next_page_token; stopped, as following it might never end (and use up the daily limit)",
			page, h.counts(), page)
	}
	if p.empty >= maxEmptyPages {
		return "", stopped("page %d: the last %d pages held no %s, yet each had a next_page_token; stopped, as following it might never end (and use up the daily limit)",
			page, p.empty, p.List)
	}
	if page >= maxPages {
		return "", stopped("page %d: the list has not ended after %d pages; stopped", page, maxPages)
	}
	return h.next, nil
}

// listHeader is the paging part of a list page.
type listHeader struct {
	next                        string
	count, total, size          int
	hasCount, hasTotal, hasSize bool
	empty                       bool // the list is empty, or absent
}

// pages is how many pages the list has by its own account: the larger of
// page_count and what total_records and page_size give. Either one, when
// present, tells, 0 included; known is false when neither does.
func (h listHeader) pages() (n int, known bool) {
	if h.hasCount {
		n, known = h.count, true
	}
	switch {
	case h.hasTotal && h.total <= 0:
		known = true
	case h.hasTotal && h.hasSize && h.size > 0:
		n, known = max(n, (h.total+h.size-1)/h.size), true
	}
	return n, known
}

// counts says what the page said of the list's size, for messages:
// "page_count is 3 (total_records 25, page_size 10)".
func (h listHeader) counts() string {
	var first string
	var rest []string
	for _, f := range []struct {
		name string
		n    int
		has  bool
	}{{"page_count", h.count, h.hasCount}, {"total_records", h.total, h.hasTotal}, {"page_size", h.size, h.hasSize}} {
		switch {
		case !f.has:
		case first == "":
			first = f.name + " is " + strconv.Itoa(f.n)
		default:
			rest = append(rest, f.name+" "+strconv.Itoa(f.n))
		}
	}
	if len(rest) > 0 {
		first += " (" + strings.Join(rest, ", ") + ")"
	}
	return first
}

// readListHeader reads next_page_token, page_count, total_records and
// page_size from the top level of a list page, and whether its list (the
// array named list) is empty. Zoom sends them before the list, so the
// scan usually stops at the list's first element, before the megabytes of
// participants.
func readListHeader(doc []byte, list string) listHeader {
	h := listHeader{empty: true}
	var s scanner
	s.reset(doc)
	if !s.open('{') {
		return h
	}
	var p Parser
	const all = 1<<5 - 1
	seen := 0
	number := func(raw []byte) (int, bool) {
		n, err := strconv.Atoi(string(raw))
		return n, err == nil
	}
	for first := true; seen != all && s.more('}', first); first = false {
		name, _ := p.text(s.name())
		if string(name) == list && s.peek() == '[' {
			at := s.i
			s.i++
			h.empty = s.peek() == ']'
			s.i = at // back to the '[', to skip the list if need be
			if seen |= 16; seen == all {
				break
			}
		}
		raw := s.value()
		switch string(name) {
		case "next_page_token":
			if kind(raw) == '"' {
				v, _ := p.text(raw)
				h.next = string(v)
			}
			seen |= 1
		case "page_count":
			h.count, h.hasCount = number(raw)
			seen |= 2
		case "total_records":
			h.total, h.hasTotal = number(raw)
			seen |= 4
		case "page_size":
			h.size, h.hasSize = number(raw)
			seen |= 8
		}
	}
	return h
}
