package jirasim

import (
	"net/http"
	"net/url"
	"strings"
)

// restRoute is one REST operation: a method and a path template below
// /rest/api/{ver}, whose {parameters} the handler reads with PathValue.
type restRoute struct {
	method, path string
	h            apiHandler
}

// restRouter routes the way Jira does rather than the way ServeMux does:
// Jira's paths overlap (issue/createmeta/{project}/issuetypes and
// issue/{key}/worklog/{id} both match issue/createmeta/worklog/issuetypes),
// which ServeMux refuses to register; Jira picks the template with the
// most literal segments, the leftmost first.
type restRouter struct {
	routes []restRoute
	segs   [][]string
}

func newRESTRouter(routes []restRoute) *restRouter {
	rr := &restRouter{routes: routes}
	for _, rt := range routes {
		rr.segs = append(rr.segs, strings.Split(rt.path, "/"))
	}
	return rr
}

// serve answers one request to /jira/{site}/rest/api/{ver}/{rest...}:
// Jira's 404 or 405 when no operation matches, else the route's handler
// wrapped by wrap (authentication), with the template's parameters set
// as path values and the endpoint logged as the template.
func (rr *restRouter) serve(w http.ResponseWriter, r *http.Request, wrap func(apiHandler) http.Handler) {
	esc := r.URL.EscapedPath()
	i := strings.Index(esc, "/rest/api/")
	_, rel, _ := strings.Cut(esc[i+len("/rest/api/"):], "/")
	segs := strings.Split("/"+rel, "/")
	for k, seg := range segs {
		if u, err := url.PathUnescape(seg); err == nil {
			segs[k] = u
		}
	}
	best, pathMatched := -1, false
	var bestScore []bool
	for k, tmpl := range rr.segs {
		score, ok := matchTemplate(tmpl, segs)
		if !ok {
			continue
		}
		pathMatched = true
		if rr.routes[k].method != r.Method {
			continue
		}
		if best < 0 || moreLiteral(score, bestScore) {
			best, bestScore = k, score
		}
	}
	switch {
	case best < 0 && pathMatched:
		writeError(w, http.StatusMethodNotAllowed)
		return
	case best < 0:
		writeError(w, http.StatusNotFound, "Not found")
		return
	}
	rt := rr.routes[best]
	for k, seg := range rr.segs[best] {
		if name, ok := paramName(seg); ok {
			r.SetPathValue(name, segs[k])
		}
	}
	if info, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		info.endpoint = rt.method + " /rest/api/{ver}" + rt.path
	}
	wrap(rt.h).ServeHTTP(w, r)
}

// matchTemplate reports whether segs fit the template tmpl, marking its
// literal segments.
func matchTemplate(tmpl, segs []string) ([]bool, bool) {
	if len(tmpl) != len(segs) {
		return nil, false
	}
	score := make([]bool, len(tmpl))
	for i, t := range tmpl {
		if _, ok := paramName(t); ok {
			if segs[i] == "" {
				return nil, false
			}
			continue
		}
		if t != segs[i] {
			return nil, false
		}
		score[i] = true
	}
	return score, true
}

// moreLiteral orders two matches: more literal segments first, then the
// one whose first differing segment is literal.
func moreLiteral(a, b []bool) bool {
	if na, nb := countTrue(a), countTrue(b); na != nb {
		return na > nb
	}
	for k := range a {
		if a[k] != b[k] {
			return a[k]
		}
	}
	return false
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func paramName(seg string) (string, bool) {
	if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}
