package connect

import (
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/remitapp/remit/internal/remit"
)

// MaxTokenBytes bounds the size of an inbound token. Genuine Connect tokens
// are a few hundred bytes; refusing larger ones before any parsing keeps a
// hostile caller from making us decode megabytes of base64 and JSON.
const MaxTokenBytes = 8 << 10

// TokenFromRequest finds the Connect JWT the way atlassian-connect-express
// does, so that every transport Jira uses works: the jwt query parameter
// (iframe loads), the jwt field of an urlencoded POST body (POST-rendered
// pages), then an "Authorization: JWT <token>" header (webhooks and
// server-to-server calls). A token in both query and body is refused as
// ambiguous. Reading the form field parses r's body into r.PostForm.
func TokenFromRequest(r *http.Request) (string, error) {
	const op = "connect.TokenFromRequest"
	var fromQuery string
	if strings.Contains(r.URL.RawQuery, "jwt") {
		q, _ := url.ParseQuery(r.URL.RawQuery) // malformed pairs are skipped; a token has none
		fromQuery = q.Get("jwt")
	}
	fromBody, err := formToken(r)
	if err != nil {
		return "", unauthorized(op, "unreadable form body", err)
	}
	switch {
	case fromQuery != "" && fromBody != "":
		return "", unauthorized(op, "token in both query and body", nil)
	case fromQuery != "":
		return fromQuery, nil
	case fromBody != "":
		return fromBody, nil
	}
	if h := r.Header.Get("Authorization"); len(h) > 4 && strings.EqualFold(h[:4], "JWT ") {
		if tok := strings.TrimSpace(h[4:]); tok != "" {
			return tok, nil
		}
	}
	return "", unauthorized(op, "missing token", nil)
}

// formToken returns the jwt field of an urlencoded POST/PUT/PATCH body.
func formToken(r *http.Request) (string, error) {
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return "", nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return "", nil
	}
	if r.PostForm == nil {
		if err := r.ParseForm(); err != nil {
			return "", err
		}
	}
	return r.PostForm.Get("jwt"), nil
}

// unauthorized builds the one error shape every authentication failure
// takes: kind Unauthorized, a short message safe to show, the cause kept
// for logs only.
func unauthorized(op, msg string, cause error) *remit.Error {
	return &remit.Error{Kind: remit.Unauthorized, Op: op, Msg: msg, Err: cause}
}
