// Package hostlist holds the allow-lists of hosts Remit accepts in URLs
// that reach it inside signed payloads: the baseUrl of a Connect install
// (a Jira site) and the apiBaseUrl of a Forge invocation (Atlassian's API
// gateway). Remit later sends tenant-signed requests and bearer tokens to
// those URLs, so a URL outside the list is never stored.
//
// A list is written as comma-separated entries, each a scheme, a host and
// an optional port: "https://*.atlassian.net" (any subdomain, never the
// domain itself), "https://api.atlassian.com" (that host), or
// "http://127.0.0.1:*" (any port). Without a port an entry takes only the
// scheme's default port.
package hostlist

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// List is a parsed allow-list. The zero List allows nothing.
type List struct {
	entries []entry
	text    string
}

type entry struct {
	scheme string
	host   string // lower case; for a wildcard, the suffix after "*."
	any    bool   // "*." prefix: any subdomain of host
	port   string // "" = the scheme's default, "*" = any
}

// Parse reads a comma-separated list; an empty one is an error, since a
// list that allows nothing would refuse every install.
func Parse(s string) (List, error) {
	var l List
	for _, raw := range strings.Split(s, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		e, err := parseEntry(raw)
		if err != nil {
			return List{}, err
		}
		l.entries = append(l.entries, e)
	}
	if len(l.entries) == 0 {
		return List{}, fmt.Errorf("no hosts in %q", s)
	}
	l.text = strings.Join(strings.Fields(strings.ReplaceAll(s, ",", " ")), ",")
	return l, nil
}

// MustParse is Parse for lists written in the code.
func MustParse(s string) List {
	l, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return l
}

func parseEntry(raw string) (entry, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "https" && scheme != "http") {
		return entry{}, fmt.Errorf("%q must start with https:// or http://", raw)
	}
	if strings.ContainsAny(rest, "/?#@") {
		return entry{}, fmt.Errorf("%q must be scheme://host[:port], without a path or user", raw)
	}
	e := entry{scheme: scheme}
	host := rest
	if h, p, err := net.SplitHostPort(rest); err == nil {
		host, e.port = h, p
		if p != "*" && !digits(p) {
			return entry{}, fmt.Errorf("%q has a bad port", raw)
		}
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	if suffix, ok := strings.CutPrefix(host, "*."); ok {
		e.any, host = true, suffix
	}
	if !validHost(host) || (e.any && !strings.Contains(host, ".")) {
		return entry{}, fmt.Errorf("%q has a bad host", raw)
	}
	e.host = host
	return e, nil
}

// Allows reports whether rawURL is an absolute URL on an allowed scheme,
// host and port, with no user info.
func (l List) Allows(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || u.Opaque != "" || u.User != nil || u.Host == "" {
		return false
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if !validHost(host) {
		return false
	}
	for _, e := range l.entries {
		if e.scheme == scheme && e.matchesHost(host) && e.matchesPort(port) {
			return true
		}
	}
	return false
}

func (e entry) matchesHost(host string) bool {
	if !e.any {
		return host == e.host
	}
	sub, ok := strings.CutSuffix(host, "."+e.host)
	return ok && sub != ""
}

func (e entry) matchesPort(port string) bool {
	switch e.port {
	case "*":
		return true
	case "":
		return port == "" || (e.scheme == "https" && port == "443") || (e.scheme == "http" && port == "80")
	}
	return port == e.port
}

// Loopback reports whether every entry of the list that uses plain http
// names a loopback host, the only place config lets http through in prod.
func (l List) Loopback() bool {
	for _, e := range l.entries {
		if e.scheme == "http" && !isLoopback(e.host) {
			return false
		}
	}
	return true
}

// String is the list as configured, for logs and errors.
func (l List) String() string { return l.text }

// validHost accepts DNS names of letters, digits, '-' and '.' (no empty
// label, no trailing dot) and IP literals, so that nothing a URL parser
// reads differently can match a suffix.
func validHost(h string) bool {
	if h == "" {
		return false
	}
	if net.ParseIP(h) != nil {
		return true
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
