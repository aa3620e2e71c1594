package jira

import "strings"

// Endpoint turns a request path into a low-cardinality template for
// metrics and logs: /jira/acme/rest/api/3/issue/BILL-12/comment/10001
// becomes /rest/api/3/issue/{key}/comment/{id}. The site's context path
// (anything before /rest/) is dropped so that no tenant-specific text
// ends up in a label.
func Endpoint(escapedPath string) string {
	segs := strings.Split(strings.Trim(escapedPath, "/"), "/")
	for i, s := range segs {
		if s == "rest" && i+1 < len(segs) {
			segs = segs[i:]
			break
		}
	}
	var b strings.Builder
	b.Grow(len(escapedPath))
	prev := ""
	for _, s := range segs {
		if s == "" {
			continue
		}
		out := templateSegment(prev, s)
		b.WriteByte('/')
		b.WriteString(out)
		prev = out
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// templateSegment decides whether seg, following the (already templated)
// segment prev, is part of the route or a value to hide.
func templateSegment(prev, seg string) string {
	switch prev {
	case "api", "agile", "auth", "servicedeskapi", "atlassian-connect":
		if isVersion(seg) {
			return seg
		}
	case "issue":
		if !routeWord(seg, "bulk", "bulkfetch", "createmeta", "picker", "properties", "archive", "unarchive", "watching", "events", "limit") {
			return "{key}"
		}
	case "project":
		if !routeWord(seg, "search", "recent", "type", "properties") {
			return "{key}"
		}
	case "worklog", "comment", "changelog":
		if !routeWord(seg, "list", "updated", "deleted") {
			return "{id}"
		}
	case "issuetype":
		if !routeWord(seg, "project", "properties") {
			return "{id}"
		}
	case "properties":
		return "{propertyKey}"
	case "addons":
		return "{appKey}"
	case "issueLink", "issueLinkType", "remotelink", "version", "component", "filter", "status",
		"priority", "resolution", "field", "role", "board", "sprint", "attachment", "screens", "workflow":
		return "{id}"
	}
	return genericSegment(seg)
}

// genericSegment hides anything that looks like data rather than a route
// word: numbers, all-caps keys, encoded or very long text.
func genericSegment(seg string) string {
	if len(seg) > 40 || strings.ContainsAny(seg, "%@~:+=") {
		return "{id}"
	}
	hasLower, hasDigit := false, false
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch {
		case 'a' <= c && c <= 'z':
			hasLower = true
		case '0' <= c && c <= '9':
			hasDigit = true
		}
	}
	switch {
	case !hasLower && hasDigit && isDigits(seg):
		return "{id}"
	case !hasLower:
		return "{key}"
	case hasDigit:
		return "{id}"
	}
	return seg
}

func routeWord(seg string, words ...string) bool {
	for _, w := range words {
		if seg == w {
			return true
		}
	}
	return false
}

func isVersion(seg string) bool {
	if seg == "latest" {
		return true
	}
	for i := 0; i < len(seg); i++ {
		if (seg[i] < '0' || seg[i] > '9') && seg[i] != '.' {
			return false
		}
	}
	return seg != ""
}

func isDigits(seg string) bool {
	for i := 0; i < len(seg); i++ {
		if seg[i] < '0' || seg[i] > '9' {
			return false
		}
	}
	return true
}
