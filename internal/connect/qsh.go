package connect

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// ContextQSH is the fixed qsh claim of context tokens (AP.context.getToken).
const ContextQSH = "context-qsh"

// CanonicalRequest builds the string that Atlassian hashes into the qsh
// claim: METHOD & canonical-path & canonical-query.
//
// escapedPath is the path as sent on the wire (url.URL.EscapedPath);
// rawQuery is url.URL.RawQuery; prefix is the path to strip from the front
// (the app base URL's path for inbound calls, the site's context path for
// outbound ones; "" for none).
func CanonicalRequest(method, escapedPath, rawQuery, prefix string) string {
	return strings.ToUpper(method) + "&" + canonicalPath(escapedPath, prefix) + "&" + canonicalQuery(rawQuery)
}

// QSH is the lowercase hex SHA-256 of the canonical request.
func QSH(method, escapedPath, rawQuery, prefix string) string {
	sum := sha256.Sum256([]byte(CanonicalRequest(method, escapedPath, rawQuery, prefix)))
	return hex.EncodeToString(sum[:])
}

// QSHForURL is QSH for a full or relative URL.
func QSHForURL(method string, u *url.URL, prefix string) string {
	return QSH(method, u.EscapedPath(), u.RawQuery, prefix)
}

func canonicalPath(path, prefix string) string {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix != "" && strings.HasPrefix(path, prefix) {
		path = path[len(prefix):]
	}
	if path == "" {
		return "/"
	}
	path = strings.ReplaceAll(path, "&", "%26")
	if path[0] != '/' {
		path = "/" + path
	}
	if len(path) > 1 && strings.HasSuffix(path, "/") {
		path = path[:len(path)-1]
	}
	return path
}

// canonicalQuery sorts parameters by encoded name, emits each name once with
// its encoded values sorted and joined by a literal comma, and drops jwt.
func canonicalQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	values, _ := url.ParseQuery(rawQuery) // malformed pairs are skipped, as servers do
	delete(values, "jwt")
	if len(values) == 0 {
		return ""
	}
	type param struct{ name, value string }
	params := make([]param, 0, len(values))
	for name, vals := range values {
		enc := make([]string, len(vals))
		for i, v := range vals {
			enc[i] = PercentEncode(v)
		}
		sort.Strings(enc)
		params = append(params, param{PercentEncode(name), strings.Join(enc, ",")})
	}
	sort.Slice(params, func(i, j int) bool { return params[i].name < params[j].name })
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// PercentEncode encodes s per RFC 3986: unreserved characters stay, every
// other byte of the UTF-8 form becomes %XX (upper-case hex). Space is %20.
func PercentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
