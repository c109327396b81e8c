package collect

import (
	"fmt"
	"strconv"
)

// maxPages bounds a list whose pages say nothing of how many there are:
// 100,000 participants at ten a page, more than Zoom allows in a meeting
// or a webinar.
const maxPages = 10000

// pager follows a list's next_page_token and stops a list that would
// never end: a next_page_token seen before, or more pages than the
// list's page_count and total_records allow. Each extra page is a Heavy
// request of the account's daily allowance.
type pager struct {
	seen map[string]int // next_page_token -> the page that gave it
}

// next returns the next_page_token of page (numbered from 1), "" at the
// end, or an error naming the page when following it would not end.
func (p *pager) next(body []byte, page int) (string, error) {
	h := readListHeader(body)
	if h.next == "" {
		return "", nil
	}
	if prev, ok := p.seen[h.next]; ok {
		return "", fmt.Errorf("page %d: Zoom sent the same next_page_token as page %d; stopped, as following it would ask for the same page again and again (and use up the daily limit)", page, prev)
	}
	if p.seen == nil {
		p.seen = map[string]int{}
	}
	p.seen[h.next] = page
	if pages := h.pages(); pages > 0 && page >= pages {
		return "", fmt.Errorf("page %d: page_count is %d (total_records %d, page_size %d), yet page %d has a next_page_token; stopped, as following it might never end (and use up the daily limit)",
			page, h.count, h.total, h.size, page)
	}
	if page >= maxPages {
		return "", fmt.Errorf("page %d: the list has not ended after %d pages; stopped", page, maxPages)
	}
	return h.next, nil
}

// listHeader is the paging part of a list page.
type listHeader struct {
	next               string
	count, total, size int
}

// pages is how many pages the list has by its own account: the larger of
// page_count and what total_records and page_size give; 0 if unknown.
func (h listHeader) pages() int {
	n := h.count
	if h.total > 0 && h.size > 0 {
		n = max(n, (h.total+h.size-1)/h.size)
	}
	return n
}

// readListHeader reads next_page_token, page_count, total_records and
// page_size from the top level of a list page. Zoom sends them before the
// list, so the scan usually stops before the megabytes of participants.
func readListHeader(doc []byte) listHeader {
	var h listHeader
	var s scanner
	s.reset(doc)
	if !s.open('{') {
		return h
	}
	var p Parser
	const all = 1<<4 - 1
	seen := 0
	for first := true; seen != all && s.more('}', first); first = false {
		name, _ := p.text(s.name())
		raw := s.value()
		switch string(name) {
		case "next_page_token":
			if kind(raw) == '"' {
				v, _ := p.text(raw)
				h.next = string(v)
			}
			seen |= 1
		case "page_count":
			h.count, _ = strconv.Atoi(string(raw))
			seen |= 2
		case "total_records":
			h.total, _ = strconv.Atoi(string(raw))
			seen |= 4
		case "page_size":
			h.size, _ = strconv.Atoi(string(raw))
			seen |= 8
		}
	}
	return h
}
