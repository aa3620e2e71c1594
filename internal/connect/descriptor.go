package connect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/remitapp/remit/internal/remit"
)

// maxAppKeyLen is the descriptor schema's limit on the app key.
const maxAppKeyLen = 64

// RenderDescriptor fills the app key and base URL into the descriptor
// template. It works on the parsed JSON, never by string substitution, so
// no configured value can inject descriptor fields; top-level fields keep
// the template's order so the served file reads like the committed one.
// A bad key or base URL is remit.Invalid; a broken template is Internal.
func RenderDescriptor(template []byte, appKey, baseURL string) ([]byte, error) {
	const op = "connect.RenderDescriptor"
	fields := map[string]string{}
	if msg := checkAppKey(appKey); msg != "" {
		fields["key"] = msg
	}
	baseURL = strings.TrimSuffix(baseURL, "/")
	if msg := checkBaseURL(baseURL); msg != "" {
		fields["baseUrl"] = msg
	}
	if len(fields) > 0 {
		return nil, remit.FieldErrors(remit.Invalid, op, "invalid descriptor settings", fields)
	}

	dec := json.NewDecoder(bytes.NewReader(template))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, remit.Errorf(remit.Internal, op, "descriptor template is not a JSON object")
	}
	set := map[string]string{"key": appKey, "baseUrl": baseURL}
	var out bytes.Buffer
	out.WriteByte('{')
	write := func(name string, value []byte) {
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		n, _ := json.Marshal(name)
		out.Write(n)
		out.WriteByte(':')
		out.Write(value)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, remit.Wrap(remit.Internal, op, err)
		}
		name, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, remit.Wrap(remit.Internal, op, err)
		}
		if v, ok := set[name]; ok {
			value, _ = json.Marshal(v)
			delete(set, name)
		}
		write(name, value)
	}
	for _, name := range []string{"key", "baseUrl"} {
		if v, ok := set[name]; ok {
			value, _ := json.Marshal(v)
			write(name, value)
		}
	}
	out.WriteByte('}')
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, out.Bytes(), "", "  "); err != nil {
		return nil, remit.Wrap(remit.Internal, op, err)
	}
	pretty.WriteByte('\n')
	return pretty.Bytes(), nil
}

// checkAppKey applies the descriptor schema's rules for key.
func checkAppKey(key string) string {
	switch {
	case key == "":
		return "must not be empty"
	case len(key) > maxAppKeyLen:
		return fmt.Sprintf("must be at most %d characters", maxAppKeyLen)
	}
	for i := 0; i < len(key); i++ {
		if !unreserved(key[i]) || key[i] == '~' {
			return "may contain only letters, digits, '-', '.' and '_'"
		}
	}
	return ""
}

// checkBaseURL requires an absolute http(s) URL without query or fragment:
// Jira resolves every module URL against it.
func checkBaseURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "must be a URL"
	case u.Scheme != "https" && u.Scheme != "http":
		return "must be an absolute http(s) URL"
	case u.Host == "":
		return "must include a host"
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return "must not carry credentials, a query or a fragment"
	}
	return ""
}
