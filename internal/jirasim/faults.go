package jirasim

import (
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind names what a REST fault rule does to a matching request.
type FaultKind string

// The REST fault kinds.
const (
	// FaultRateLimit answers 429 with Retry-After, Beta-Retry-After and
	// RateLimit-Reason.
	FaultRateLimit FaultKind = "429"
	// FaultServerError answers Status (default 503), with Retry-After
	// when RetryAfter is set.
	FaultServerError FaultKind = "5xx"
	// FaultLatency delays the request by LatencyMS, then serves it.
	FaultLatency FaultKind = "latency"
	// FaultDropAfterCommit serves the request (the write happens) and then
	// closes the connection without a response.
	FaultDropAfterCommit FaultKind = "drop_after_commit"
	// FaultServerErrorAfterCommit serves the request (the write happens)
	// and then answers Status (default 502), as Jira's gateway does when
	// its backend stored a write but the answer timed out on the way.
	FaultServerErrorAfterCommit FaultKind = "5xx_after_commit"
	// FaultCloseBefore closes the connection without serving the request.
	FaultCloseBefore FaultKind = "close_before"
)

// FaultRule injects a fault into REST requests whose method and
// site-relative path match. Path is a glob over path segments: * matches
// within one segment, ** any number of segments ("" matches everything).
// The rule fires Count times (0 = unlimited), each time with Probability
// (0 = always), drawn from the simulator's seeded generator.
type FaultRule struct {
	ID          string    `json:"id"`
	Site        string    `json:"site,omitempty"`
	Method      string    `json:"method,omitempty"`
	Path        string    `json:"path,omitempty"`
	Kind        FaultKind `json:"kind"`
	Status      int       `json:"status,omitempty"`
	RetryAfter  int       `json:"retryAfter,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	LatencyMS   int       `json:"latencyMs,omitempty"`
	Count       int       `json:"count,omitempty"`
	Probability float64   `json:"probability,omitempty"`
	Fired       int       `json:"fired"`
}

type faultSet struct {
	mu    sync.Mutex
	next  int
	rules []*FaultRule
}

func newFaultSet() *faultSet { return &faultSet{} }

func (fs *faultSet) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rules = nil
}

// match returns the first matching rule that still has firings left and
// wins its probability draw, counting the firing.
func (fs *faultSet) match(s *Sim, site, method, p string) (FaultRule, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, r := range fs.rules {
		if (r.Site != "" && r.Site != site) || (r.Method != "" && !strings.EqualFold(r.Method, method)) || !globMatch(r.Path, p) {
			continue
		}
		if r.Count > 0 && r.Fired >= r.Count {
			continue
		}
		if r.Probability > 0 && !s.chance(r.Probability) {
			continue
		}
		r.Fired++
		return *r, true
	}
	return FaultRule{}, false
}

// AddFault installs a REST fault rule and returns its id.
func (s *Sim) AddFault(r FaultRule) string {
	fs := s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.next++
	r.ID = "fault-" + strconv.Itoa(fs.next)
	r.Fired = 0
	fs.rules = append(fs.rules, &r)
	return r.ID
}

// Faults lists the REST fault rules with how often each fired.
func (s *Sim) Faults() []FaultRule {
	fs := s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]FaultRule, len(fs.rules))
	for i, r := range fs.rules {
		out[i] = *r
	}
	return out
}

// ClearFaults removes every REST fault rule.
func (s *Sim) ClearFaults() { s.faults.clear() }

func globMatch(pattern, p string) bool {
	if pattern == "" || pattern == "**" {
		return true
	}
	return matchSegments(strings.Split(strings.Trim(pattern, "/"), "/"), strings.Split(strings.Trim(p, "/"), "/"))
}

func matchSegments(pat, segs []string) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if matchSegments(pat[1:], segs[i:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	ok, err := path.Match(pat[0], segs[0])
	return err == nil && ok && matchSegments(pat[1:], segs[1:])
}

// applyFault carries out a fired rule and returns its kind for the log.
func (s *Sim) applyFault(w *statusRecorder, r *http.Request, rule FaultRule, next http.Handler) string {
	switch rule.Kind {
	case FaultLatency:
		select {
		case <-time.After(time.Duration(rule.LatencyMS) * time.Millisecond):
		case <-r.Context().Done():
		}
		next.ServeHTTP(w, r)
	case FaultRateLimit:
		retry := strconv.Itoa(max(rule.RetryAfter, 1))
		w.Header().Set("Retry-After", retry)
		w.Header().Set("Beta-Retry-After", retry)
		w.Header().Set("RateLimit-Reason", firstNonEmpty(rule.Reason, "jira-burst-based"))
		writeError(w, http.StatusTooManyRequests, "Rate limit exceeded.")
	case FaultServerError:
		if rule.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(rule.RetryAfter))
		}
		status := rule.Status
		if status < 500 || status > 599 {
			status = http.StatusServiceUnavailable
		}
		writeError(w, status, "Service Unavailable")
	case FaultCloseBefore:
		w.status, w.hangUp = 0, true
	case FaultDropAfterCommit:
		bw := &discardWriter{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(bw, r)
		w.status, w.hangUp = bw.status, true
	case FaultServerErrorAfterCommit:
		next.ServeHTTP(&discardWriter{header: http.Header{}, status: http.StatusOK}, r)
		status := rule.Status
		if status < 500 || status > 599 {
			status = http.StatusBadGateway
		}
		writeError(w, status, http.StatusText(status))
	}
	return string(rule.Kind)
}

// closeConn hijacks and closes the client connection so the client sees
// a transport error instead of a response.
func closeConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream instead
	}
	_ = conn.Close()
}

// discardWriter lets a handler commit its work while its response is
// thrown away.
type discardWriter struct {
	header http.Header
	status int
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(code int)        { d.status = code }
