package fakezoom

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options describe a fake Zoom account: its credentials, its meetings, its
// limits and the faults it should show. The zero value is usable: defaults
// fill in what is not set.
type Options struct {
	// Seed makes the generated data; the same seed and Epoch give the same
	// meetings, participants and samples.
	Seed uint64
	// Epoch anchors the schedule: past meetings end before it, live ones
	// are running at it. Default: the clock's time when the server starts,
	// to the minute.
	Epoch time.Time
	// Clock is the server's time, which decides what is live, what has
	// ended and when tokens and page tokens expire. Default: time.Now.
	Clock func() time.Time

	AccountID    string // default "fake-account"
	ClientID     string // default "fake-client"
	ClientSecret string // default "fake-secret"
	// TokenTTL is how long an access token lives. Default: one hour, as Zoom's.
	TokenTTL time.Duration

	// PastMeetings and LiveMeetings are how many of each the account has
	// (defaults 12 and 2); Webinars how many past webinars (default 2).
	// Participants is the typical number of people in a meeting (default
	// 25); each meeting has between half and one and a half times as many,
	// and two at least.
	PastMeetings, LiveMeetings, Webinars, Participants int
	// PastOneMeetings is how many past meetings of one person the account
	// has (default 0), spread over the same four weeks: Zoom lists them
	// under type=pastOne, never under type=past.
	PastOneMeetings int
	// Minutes, when set, is the length of every generated past meeting
	// and webinar (default: 30 to 90 minutes, webinars 45): short
	// meetings make quick tests.
	Minutes int
	// Meetings, when set, replaces the generated schedule.
	Meetings []MeetingSpec

	// QPS limits Heavy requests (every endpoint but the two lists) per
	// second (0: no limit). ListPerMinute limits Resource-intensive
	// requests (GET /metrics/meetings and /metrics/webinars) per minute,
	// counted apart from the Heavy ones (0: no limit; Zoom allows 10 on
	// Pro, 20 on Business and above). DailyLimit limits all of them
	// together per day (0: no limit).
	QPS, ListPerMinute, DailyLimit int
	// RetryAfter is the form of the Retry-After header on per-second 429s:
	// "iso" (Zoom's documented form, the default), "seconds" or "none".
	RetryAfter string

	// Subscription, when set, is the only QoS Subscription id the
	// WebSocket endpoint (/ws) accepts; any non-empty one otherwise.
	Subscription string
	// HeartbeatTimeout is how long the WebSocket endpoint keeps a client
	// that sends no heartbeat (default 90 s).
	HeartbeatTimeout time.Duration
	// WSReplayFrom and WSReplayTo, when set, make the WebSocket endpoint
	// send the events of that range (past meetings) before the live ones.
	// They go out once, shared by the connections in turn: a connection
	// goes on where the last one stopped.
	WSReplayFrom, WSReplayTo time.Time

	Faults Faults
}

// MeetingSpec is one meeting of a fake account.
type MeetingSpec struct {
	UUID         string // default: generated, some beginning with "/" or holding "//"
	ID           int64  // the meeting number; default generated
	Topic        string
	Webinar      bool
	Start        time.Time
	Duration     time.Duration
	Participants int  // people; about one in eight rejoins once...
	NoRejoins    bool // ...unless this is set: then sessions = people
}

// Faults switches on misbehaviour, counted over API requests so that a test
// sees the same faults every run. Zero values switch a fault off. The
// answers a fault does not touch stay exactly as Zoom's spec gives them.
type Faults struct {
	Burst429Every int // every Nth request starts a burst of 429s (per-second limit)...
	Burst429Len   int // ...this many long (default 3)
	// The faults below that come every N requests or answers spare the
	// next try of a request that just got one (when N > 1): every fault
	// costs one retry, however concurrent requests share the counts.
	ServerErrors  int           // every Nth request fails with 500, 502 or 503
	SlowEvery     int           // every Nth request is answered after Slow
	Slow          time.Duration // default 2s
	TruncateEvery int           // every Nth successful answer is cut off halfway
	ExpireTokens  int           // every Nth request, all tokens issued so far expire

	// HangEvery: every Nth request is never answered; the server holds
	// it until the client gives up (a proxy or server that accepts and
	// then says nothing).
	HangEvery int
	// StallEvery: every Nth successful answer sends its headers and half
	// its body, then nothing more until the client gives up.
	StallEvery int
	// NotQoSEvery: every Nth successful answer is HTTP 200 with something
	// other than what was asked for: in turn "{}", a Zoom error body
	// ({"code":124,...}) and an HTML page, as a misbehaving proxy sends.
	NotQoSEvery int
	// RepeatTokenEvery: every Nth request that carries a next_page_token
	// is answered with that same next_page_token again, so that a client
	// that follows it blindly never ends.
	RepeatTokenEvery int
	// EndlessPages: list endpoints never end: the last page, and every
	// page past it (empty), carries a new next_page_token, while
	// page_count and total_records stay true.
	EndlessPages bool
	// MissingScope names an endpoint family the app has no scope for:
	// "qos" (both QoS endpoints), "participants" (the participants list),
	// "details" (meeting and webinar details) or "list" (/metrics/meetings
	// and /metrics/webinars). Every request to it is answered HTTP 400,
	// code 4711, naming the classic and the granular scope it needs.
	MissingScope string
	// WSCloseEvery: the WebSocket endpoint closes a connection, abruptly,
	// after every Nth event message it sent on it; what is produced until
	// the client is back is lost.
	WSCloseEvery int
}

// Scope families for Faults.MissingScope.
var scopeFamilies = []string{"qos", "participants", "details", "list"}

// FaultNames lists the faults ParseFaults knows.
const FaultNames = "429, 5xx, slow, truncate, expire, hang, stall, nonqos, repeat-token, endless-pages, scope, ws-close"

// ParseFaults reads faults from text such as
// "429=20x3,5xx=15,slow=10x2s,truncate=25,expire=50,hang=40,repeat-token":
// each item is the fault, "=", and how often (every Nth request), with an
// optional "x" and the burst length or the delay. A fault without "=" is
// on for every request; endless-pages takes no number; "scope=qos" (or
// participants, details, list) takes away the scope of those endpoints.
func ParseFaults(s string) (Faults, error) {
	var f Faults
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, val, ok := strings.Cut(item, "=")
		if !ok {
			val = "1"
		}
		if name == "scope" {
			if !ok || !slices.Contains(scopeFamilies, val) {
				return f, fmt.Errorf("fault %q: scope takes one of %s", item, strings.Join(scopeFamilies, ", "))
			}
			f.MissingScope = val
			continue
		}
		if name == "endless-pages" {
			if val != "1" {
				return f, fmt.Errorf("fault %q: endless-pages takes no number", item)
			}
			f.EndlessPages = true
			continue
		}
		everyText, extra, _ := strings.Cut(val, "x")
		every, err := strconv.Atoi(everyText)
		if err != nil || every <= 0 {
			return f, fmt.Errorf("fault %q: %q is not a positive whole number", item, everyText)
		}
		switch name {
		case "429":
			f.Burst429Every = every
			if extra != "" {
				if f.Burst429Len, err = strconv.Atoi(extra); err != nil || f.Burst429Len <= 0 {
					return f, fmt.Errorf("fault %q: burst length %q", item, extra)
				}
			}
		case "5xx":
			f.ServerErrors = every
		case "slow":
			f.SlowEvery = every
			if extra != "" {
				if f.Slow, err = time.ParseDuration(extra); err != nil {
					return f, fmt.Errorf("fault %q: %v", item, err)
				}
			}
		case "truncate":
			f.TruncateEvery = every
		case "expire":
			f.ExpireTokens = every
		case "hang":
			f.HangEvery = every
		case "stall":
			f.StallEvery = every
		case "nonqos":
			f.NotQoSEvery = every
		case "repeat-token":
			f.RepeatTokenEvery = every
		case "ws-close":
			f.WSCloseEvery = every
		default:
			return f, fmt.Errorf("fault %q: unknown (%s)", name, FaultNames)
		}
		if extra != "" && name != "429" && name != "slow" {
			return f, fmt.Errorf("fault %q: only 429 and slow take an \"x\" part", item)
		}
	}
	return f, nil
}

func (o *Options) defaults() {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Epoch.IsZero() {
		o.Epoch = o.Clock().UTC().Truncate(time.Minute)
	}
	if o.AccountID == "" {
		o.AccountID = "fake-account"
	}
	if o.ClientID == "" {
		o.ClientID = "fake-client"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "fake-secret"
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = time.Hour
	}
	if o.Meetings == nil {
		if o.PastMeetings == 0 && o.LiveMeetings == 0 && o.Webinars == 0 && o.PastOneMeetings == 0 {
			o.PastMeetings, o.LiveMeetings, o.Webinars = 12, 2, 2
		}
		if o.Participants <= 0 {
			o.Participants = 25
		}
	}
	if o.HeartbeatTimeout <= 0 {
		o.HeartbeatTimeout = 90 * time.Second
	}
	if o.RetryAfter == "" {
		o.RetryAfter = "iso"
	}
	if o.Faults.Burst429Every > 0 && o.Faults.Burst429Len <= 0 {
		o.Faults.Burst429Len = 3
	}
	if o.Faults.SlowEvery > 0 && o.Faults.Slow <= 0 {
		o.Faults.Slow = 2 * time.Second
	}
}
