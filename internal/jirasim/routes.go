package jirasim

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// call is what every authenticated REST handler gets: the site, the app
// the request is served as, and whether the v2 representation (plain
// strings instead of ADF) is wanted.
type call struct {
	site *Site
	inst *installation
	v2   bool
}

type apiHandler func(w http.ResponseWriter, r *http.Request, c *call)

// reqInfo travels in the request context so that the outer middleware can
// log which route served the request.
type reqInfo struct{ endpoint string }

type reqInfoKey struct{}

func (s *Sim) routes() http.Handler {
	mux := http.NewServeMux()
	s.mux = mux
	mux.HandleFunc("GET /connect-install-keys/{kid}", s.serveKey)
	mux.HandleFunc("GET /jira/{site}/_edge/tenant_info", s.tenantInfo)
	rest := newRESTRouter(s.restRoutes())
	mux.HandleFunc("/jira/{site}/rest/api/{ver}/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		rest.serve(w, r, s.api)
	})
	mux.HandleFunc("GET /jira/{site}/rest/atlassian-connect/1/addons/{appKey}", s.appLicence)
	s.controlRoutes(mux)
	s.forgeRoutes(mux)
	return s.middleware(mux)
}

// restRoutes is the REST API the simulator serves below /rest/api/{2,3}:
// each operation in Jira's own path template (path parameters in braces),
// so that a test can hold the list to Atlassian's OpenAPI document.
func (s *Sim) restRoutes() []restRoute {
	return []restRoute{
		{"GET", "/search/jql", s.searchJQL},
		{"POST", "/search/jql", s.searchJQL},
		{"GET", "/search", s.searchGone},
		{"POST", "/search", s.searchGone},
		{"POST", "/search/approximate-count", s.approximateCount},

		{"POST", "/issue", s.createIssue},
		{"GET", "/issue/{key}", s.getIssue},
		{"PUT", "/issue/{key}", s.editIssue},
		{"DELETE", "/issue/{key}", s.deleteIssue},
		{"GET", "/issue/createmeta/{project}/issuetypes", s.createMetaIssueTypes},
		{"POST", "/issueLink", s.createLink},

		{"GET", "/issue/{key}/worklog", s.listWorklogs},
		{"POST", "/issue/{key}/worklog", s.addWorklog},
		{"GET", "/issue/{key}/worklog/{id}", s.getWorklog},
		{"PUT", "/issue/{key}/worklog/{id}", s.updateWorklog},
		{"DELETE", "/issue/{key}/worklog/{id}", s.deleteWorklog},
		{"POST", "/worklog/list", s.worklogList},
		{"GET", "/worklog/updated", s.worklogsUpdated},
		{"GET", "/worklog/deleted", s.worklogsDeleted},

		{"GET", "/issue/{key}/comment", s.listComments},
		{"POST", "/issue/{key}/comment", s.addComment},
		{"POST", "/comment/list", s.commentList},
		{"GET", "/comment/{commentId}/properties/{propertyKey}", s.getCommentProperty},
		{"PUT", "/comment/{commentId}/properties/{propertyKey}", s.setCommentProperty},

		{"GET", "/issue/{key}/transitions", s.listTransitions},
		{"POST", "/issue/{key}/transitions", s.doTransition},

		{"GET", "/issue/{key}/properties", s.listProperties},
		{"GET", "/issue/{key}/properties/{prop}", s.getProperty},
		{"PUT", "/issue/{key}/properties/{prop}", s.setProperty},
		{"DELETE", "/issue/{key}/properties/{prop}", s.deleteProperty},

		{"POST", "/permissions/check", s.checkPermissions},
		{"GET", "/project/search", s.searchProjects},
		{"GET", "/project/{key}", s.getProject},
		{"GET", "/project/{key}/statuses", s.projectStatuses},
		{"GET", "/issuetype/project", s.projectIssueTypes},
		{"GET", "/myself", s.myself},
		{"GET", "/serverInfo", s.serverInfo},
	}
}

// api wraps a REST handler with site lookup, version check and JWT
// authentication.
func (s *Sim) api(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, ok := s.Site(r.PathValue("site"))
		ver := r.PathValue("ver")
		if !ok || (ver != "2" && ver != "3") {
			writeError(w, http.StatusNotFound, "Not found")
			return
		}
		inst, err := st.authenticate(r)
		if err != nil {
			s.log.InfoContext(r.Context(), "rejected request token", slogSite(st), slog.String("path", r.URL.Path), slog.String("reason", err.Error()))
			writeError(w, http.StatusUnauthorized, msgNotAuthenticated)
			return
		}
		h(w, r, &call{site: st, inst: inst, v2: ver == "2"})
	})
}

// middleware applies, for site paths, the rate limit, fault rules and the
// request log, in the order Jira's edge would.
func (s *Sim) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, rel := s.siteOf(r.URL.Path)
		if st == nil {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		info := &reqInfo{}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, info))
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		var reqBody []byte
		if s.bodies.Load() {
			reqBody, _ = io.ReadAll(io.LimitReader(r.Body, maxBody))
			r.Body = io.NopCloser(bytes.NewReader(reqBody))
			rec.body = &bytes.Buffer{}
		}
		fault := s.serveSite(rec, r, st, rel, next)
		if info.endpoint == "" {
			info.endpoint = r.Method + " " + rel
		}
		entry := RequestRecord{Time: s.now(), Method: r.Method, Path: rel, Endpoint: info.endpoint, Query: r.URL.RawQuery,
			Status: rec.status, Duration: time.Since(start), Fault: fault}
		if rec.body != nil {
			entry.RequestType, entry.RequestBody = r.Header.Get("Content-Type"), reqBody
			entry.ResponseType, entry.ResponseBody = rec.Header().Get("Content-Type"), rec.body.Bytes()
		}
		st.mu.Lock()
		st.log.add(entry)
		st.mu.Unlock()
		if rec.hangUp { // after logging, so the log is complete when the client sees the error
			closeConn(w)
		}
	})
}

func (s *Sim) serveSite(w *statusRecorder, r *http.Request, st *Site, rel string, next http.Handler) string {
	st.mu.Lock()
	ok := st.rate.take(w.Header(), s.now())
	st.mu.Unlock()
	if !ok {
		writeError(w, http.StatusTooManyRequests, "Rate limit exceeded.")
		return "quota"
	}
	rule, hit := s.faults.match(s, st.name, r.Method, rel)
	if !hit {
		next.ServeHTTP(w, r)
		return ""
	}
	return s.applyFault(w, r, rule, next)
}

// siteOf splits /jira/<site>/<rest> into the site and the site-relative
// path.
func (s *Sim) siteOf(p string) (*Site, string) {
	rest, ok := strings.CutPrefix(p, "/jira/")
	if !ok {
		return nil, ""
	}
	name, rel, _ := strings.Cut(rest, "/")
	st, ok := s.Site(name)
	if !ok {
		return nil, ""
	}
	return st, "/" + rel
}

type statusRecorder struct {
	http.ResponseWriter
	status  int
	written bool
	hangUp  bool          // close the connection instead of responding (faults)
	body    *bytes.Buffer // a copy of the answer, when bodies are recorded
}

func (sr *statusRecorder) WriteHeader(code int) {
	if !sr.written {
		sr.status, sr.written = code, true
	}
	sr.ResponseWriter.WriteHeader(code)
}

func (sr *statusRecorder) Write(b []byte) (int, error) {
	sr.written = true
	if sr.body != nil {
		sr.body.Write(b)
	}
	return sr.ResponseWriter.Write(b)
}

func (sr *statusRecorder) Unwrap() http.ResponseWriter { return sr.ResponseWriter }
