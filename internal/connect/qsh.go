package connect

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
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
	return hashCanonical(CanonicalRequest(method, escapedPath, rawQuery, prefix))
}

// hashCanonical is the qsh of an already canonical request string.
func hashCanonical(canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return hex.EncodeToString(sum[:])
}

// QSHForURL is QSH for a full or relative URL.
func QSHForURL(method string, u *url.URL, prefix string) string {
	return QSH(method, u.EscapedPath(), u.RawQuery, prefix)
}

// canonicalPath strips prefix (a plain string prefix, as atlassian-jwt
// does), encodes '&' so that it cannot pose as the query separator, and
// normalises the empty path to "/" and a trailing "/" away.
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

// queryParam is one decoded-then-re-encoded query parameter.
type queryParam struct{ name, value string }

// canonicalQuery sorts parameters by encoded name, then encoded value,
// emits each name once with its values joined by a literal comma, and
// drops jwt.
func canonicalQuery(rawQuery string) string {
	params := encodedParams(rawQuery)
	if len(params) == 0 {
		return ""
	}
	slices.SortFunc(params, func(a, b queryParam) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	var b strings.Builder
	for i, p := range params {
		switch {
		case i == 0:
		case params[i-1].name == p.name:
			b.WriteByte(',')
			b.WriteString(p.value)
			continue
		default:
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// encodedParams splits rawQuery the way a form decoder does ('&'
// separates pairs, the first '=' separates name from value, '+' is a
// space) and returns each pair percent-encoded per RFC 3986, without the
// jwt parameter. Like Node's querystring (and unlike net/url, which drops
// such pairs), it keeps ';' literally and keeps a '%' that does not start
// a valid escape, so every byte the sender signed stays covered.
func encodedParams(rawQuery string) []queryParam {
	if rawQuery == "" {
		return nil
	}
	params := make([]queryParam, 0, strings.Count(rawQuery, "&")+1)
	for pair := range strings.SplitSeq(rawQuery, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		name = formUnescape(name)
		if name == "jwt" {
			continue
		}
		params = append(params, queryParam{PercentEncode(name), PercentEncode(formUnescape(value))})
	}
	return params
}

// formUnescape decodes '+' to space and valid %XX escapes to their byte,
// leaving malformed escapes as they are.
func formUnescape(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
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
