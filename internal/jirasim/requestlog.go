package jirasim

import (
	"log/slog"
	"time"
)

// RequestRecord is one REST request served by a site.
type RequestRecord struct {
	Time     time.Time     `json:"time"`
	Method   string        `json:"method"`
	Path     string        `json:"path"`
	Endpoint string        `json:"endpoint"`        // route pattern, e.g. "GET /rest/api/{ver}/issue/{key}"
	Query    string        `json:"query,omitempty"` // the raw query string
	Status   int           `json:"status"`
	Duration time.Duration `json:"durationNs"`
	Fault    string        `json:"fault,omitempty"`

	// The bodies, kept only while the simulator records them (see
	// Sim.RecordBodies), so tests can hold each exchange to Jira's
	// published contract.
	RequestType  string `json:"-"` // Content-Type of the request
	RequestBody  []byte `json:"-"`
	ResponseType string `json:"-"` // Content-Type of the answer
	ResponseBody []byte `json:"-"`
}

// RecordBodies makes every site's request log keep the body of each
// request and of its answer, or stop doing so. It is off by default:
// benchmarks send hundreds of thousands of requests.
func (s *Sim) RecordBodies(on bool) { s.bodies.Store(on) }

// requestLog keeps every request and a counter per endpoint, which is how
// the "Jira requests per 1,000 worklogs" figure is measured.
type requestLog struct {
	records []RequestRecord
	counts  map[string]int
}

func (l *requestLog) add(rec RequestRecord) {
	if l.counts == nil {
		l.counts = map[string]int{}
	}
	l.records = append(l.records, rec)
	l.counts[rec.Endpoint]++
}

// Requests returns the request log in arrival order.
func (st *Site) Requests() []RequestRecord {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]RequestRecord(nil), st.log.records...)
}

// RequestCounts returns the number of requests per endpoint pattern.
func (st *Site) RequestCounts() map[string]int {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make(map[string]int, len(st.log.counts))
	for k, v := range st.log.counts {
		out[k] = v
	}
	return out
}

// ResetRequests clears the request log and counters, so a benchmark can
// count only the requests of the phase it measures.
func (st *Site) ResetRequests() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.log = requestLog{}
}

func slogSite(st *Site) slog.Attr { return slog.String("site", st.name) }
