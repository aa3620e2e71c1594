package jira

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestSigningTransportSignsTheExactRequest(t *testing.T) {
	t.Parallel()
	clock := newClock()
	type seen struct {
		qsh, ua, body string
		iat, exp      float64
		err           error
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, err := verifyJira(r, clock.Now, "/jira/acme")
		body, _ := io.ReadAll(r.Body)
		s := seen{ua: r.Header.Get("User-Agent"), body: string(body), err: err}
		if err == nil {
			s.qsh, _ = claims["qsh"].(string)
			s.iat, _ = claims["iat"].(float64)
			s.exp, _ = claims["exp"].(float64)
		}
		got <- s
	}))
	defer srv.Close()

	rt := &SigningTransport{AppKey: testAppKey, ClientKey: testClientKey, Secret: testSecret,
		SiteBaseURL: srv.URL + "/jira/acme/", Now: clock.Now, Version: "1.2.3"}

	tests := []struct {
		name, method, target, body string
		canonical                  string // computed by hand from the Connect spec
	}{
		{"repeated params sorted by value", "GET",
			"/jira/acme/rest/api/3/search/jql?fields=summary&fields=key&jql=project%20%3D%20BILL",
			"", "GET&/rest/api/3/search/jql&fields=key,summary&jql=project%20%3D%20BILL"},
		{"ampersand in path", "GET", "/jira/acme/rest/api/3/issue/A&B/properties/remit-invoice",
			"", "GET&/rest/api/3/issue/A%26B/properties/remit-invoice&"},
		{"plus and sort by code point", "GET", "/jira/acme/rest/api/3/user/search?query=a+b&B=1&a=2",
			"", "GET&/rest/api/3/user/search&B=1&a=2&query=a%20b"},
		{"post with body and no query", "POST", "/jira/acme/rest/api/3/issue/BILL-1/comment",
			`{"body":"x"}`, "POST&/rest/api/3/issue/BILL-1/comment&"},
		{"context path root", "GET", "/jira/acme", "", "GET&/&"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, srv.URL+tc.target, body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			resp.Body.Close()
			s := <-got
			if s.err != nil {
				t.Fatalf("server rejected token: %v", s.err)
			}
			if want := sha256Hex(tc.canonical); s.qsh != want {
				t.Errorf("qsh %s, want sha256(%q) = %s", s.qsh, tc.canonical, want)
			}
			if s.ua != "remit/1.2.3" {
				t.Errorf("User-Agent %q", s.ua)
			}
			if s.body != tc.body {
				t.Errorf("body %q, want %q", s.body, tc.body)
			}
			if s.exp-s.iat != DefaultTokenTTL.Seconds() || int64(s.iat) != clock.Now().Unix() {
				t.Errorf("iat %v exp %v, want now and now+3m", s.iat, s.exp)
			}
			if req.Header.Get("Authorization") != "" {
				t.Error("the caller's request was modified")
			}
		})
	}
}

func TestSigningTransportRefusesOtherHosts(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, site, target string }{
		{"other host", "https://acme.atlassian.net", "https://evil.example/rest/api/3/myself"},
		{"other scheme", "https://acme.atlassian.net", "http://acme.atlassian.net/rest/api/3/myself"},
		{"other port", "https://acme.atlassian.net", "https://acme.atlassian.net:8443/rest/api/3/myself"},
		{"look-alike host", "https://acme.atlassian.net", "https://acme.atlassian.net.evil.example/rest"},
		{"outside context path", "https://host.example/jira/acme", "https://host.example/jira/other/rest/api/3/myself"},
		{"context path prefix trick", "https://host.example/jira/acme", "https://host.example/jira/acmeevil/rest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base := roundTripFunc(func(*http.Request) (*http.Response, error) {
				t.Error("request reached the network")
				return nil, errors.New("unreachable")
			})
			rt := &SigningTransport{Base: base, AppKey: testAppKey, ClientKey: testClientKey, Secret: testSecret, SiteBaseURL: tc.site}
			body := &closeRecorder{Reader: strings.NewReader("{}")}
			req, _ := http.NewRequest("POST", tc.target, body)
			_, err := rt.RoundTrip(req)
			if !errors.Is(err, ErrForeignHost) {
				t.Fatalf("err %v, want ErrForeignHost", err)
			}
			if !body.closed {
				t.Error("request body not closed on refusal")
			}
		})
	}
}

func TestSigningTransportAcceptsSameHostDifferentCase(t *testing.T) {
	t.Parallel()
	called := false
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		called = true
		return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
	})
	rt := &SigningTransport{Base: base, AppKey: testAppKey, ClientKey: testClientKey, Secret: testSecret,
		SiteBaseURL: "https://Acme.Atlassian.net", Now: func() time.Time { return time.Unix(1e9, 0) }}
	req, _ := http.NewRequest("GET", "https://acme.atlassian.net/rest/api/3/myself", nil)
	if _, err := rt.RoundTrip(req); err != nil || !called {
		t.Fatalf("err %v called %v", err, called)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }
