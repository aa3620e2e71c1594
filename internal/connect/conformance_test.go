package connect

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// conformanceVectors are requests where Remit must agree byte for byte
// with Atlassian's atlassian-jwt library. URLs are as sent on the wire.
var conformanceVectors = []struct {
	name, method, url, baseURL string
}{
	{"spec worked example", "GET", "http://localhost:2990/path/to/service?zee_last=param&repeated=parameter%201&first=param&repeated=parameter%202", ""},
	{"space as %20", "GET", "https://app.test/s?q=a%20b", ""},
	{"space as plus", "GET", "https://app.test/s?q=a+b", ""},
	{"encoded plus", "GET", "https://app.test/s?q=a%2Bb", ""},
	{"star", "GET", "https://app.test/s?q=a*b", ""},
	{"encoded star", "GET", "https://app.test/s?q=a%2Ab", ""},
	{"tilde", "GET", "https://app.test/s?q=a~b", ""},
	{"encoded tilde", "GET", "https://app.test/s?q=%7E", ""},
	{"unicode value", "GET", "https://app.test/s?q=%C3%A9t%C3%A9", ""},
	{"four-byte unicode", "GET", "https://app.test/s?q=%F0%9F%98%80", ""},
	{"lower-case hex", "GET", "https://app.test/s?q=%c3%a9", ""},
	{"unicode keys", "GET", "https://app.test/s?%C3%A9=1&%C3%B6=2", ""},
	{"unicode and reserved repeated values", "GET", "https://app.test/s?a=%C3%A9&a=*&a=%20", ""},
	{"repeated params", "GET", "https://app.test/s?a=1&a=2", ""},
	{"repeated unsorted values", "GET", "https://app.test/s?a=3&a=1&a=2&b=z&b=y", ""},
	{"repeated with empty value", "GET", "https://app.test/s?a=1&a=", ""},
	{"empty value", "GET", "https://app.test/s?a=&b=1", ""},
	{"name without equals", "GET", "https://app.test/s?flag&a=1", ""},
	{"empty pairs", "GET", "https://app.test/s?a=1&&b=2&", ""},
	{"ampersand in path", "GET", "https://app.test/rest/api/2/project&a=b?x=y", ""},
	{"empty path", "GET", "https://app.test", ""},
	{"root path with query", "GET", "https://app.test/?a=1", ""},
	{"trailing slash", "GET", "https://app.test/some/path/?p=v", ""},
	{"double trailing slash", "GET", "https://app.test/some/path//", ""},
	{"jwt param dropped", "GET", "https://app.test/pages/admin?jwt=abc.def.ghi&lic=active", ""},
	{"only jwt", "GET", "https://app.test/pages/admin?jwt=abc", ""},
	{"JWT upper case kept", "GET", "https://app.test/s?JWT=x", ""},
	{"context path stripped", "POST", "https://remit.test/remit/webhooks/jira?user_id=admin", "https://remit.test/remit"},
	{"context path with trailing slash", "POST", "https://remit.test/remit/webhooks/jira", "https://remit.test/remit/"},
	{"context path is the whole path", "GET", "https://remit.test/remit", "https://remit.test/remit"},
	{"context path absent", "GET", "https://remit.test/other/x", "https://remit.test/remit"},
	{"upper and lower case keys", "GET", "https://app.test/s?b=1&B=2&a=3&A=4", ""},
	{"special characters in keys", "GET", "https://app.test/s?a%20b=1&a.b=2&a_b=3&a-b=4", ""},
	{"bracketed keys", "GET", "https://app.test/s?filter%5Bstatus%5D=open&filter%5Bdue%5D=2026-01-01", ""},
	{"POST without query", "POST", "https://app.test/lifecycle/installed", ""},
	{"lower-case method", "get", "https://app.test/s?a=1", ""},
	{"JQL value", "GET", "https://site.test/rest/api/3/search/jql?jql=project%20%3D%20ACME%20AND%20status%20in%20(Open%2C%22In%20Progress%22)&maxResults=50", ""},
	{"comma in value", "GET", "https://app.test/s?fields=summary,status", ""},
	{"sub-delims in value", "GET", "https://app.test/s?q=!'()", ""},
	{"encoded path segment", "GET", "https://app.test/pages/issue%20panel?x=1", ""},
	{"encoded ampersand in value", "GET", "https://app.test/s?q=a%26b", ""},
	{"equals in value", "GET", "https://app.test/s?q=a=b", ""},
	{"semicolon in query", "GET", "https://app.test/s?a=1;b=2", ""},
	{"malformed escapes", "GET", "https://app.test/s?a=%zz&b=%", ""},
	{"iframe load", "GET", "https://remit.test/pages/issue-panel?issueKey=ACME-1&projectKey=ACME&xdm_e=https%3A%2F%2Facme.atlassian.net&xdm_c=channel-remit&cp=&xdm_deprecated_addon_key_do_not_use=io.remit.jira&lic=active&cv=1001.0.0&jwt=x.y.z", ""},
	{"webhook", "POST", "https://remit.test/webhooks/jira?user_id=557058%3Aabc&user_key=JIRAUSER10000", ""},
}

// knownDifferences are requests where atlassian-jwt departs from the
// written algorithm (docs/connect-conformance.md). Remit keeps the spec.
var knownDifferences = []struct {
	name, method, url        string
	wantRemit, wantReference string
}{
	{"keys mixing reserved and unreserved characters", "GET", "https://app.test/s?a0=1&a%3A=2",
		"GET&/s&a%3A=2&a0=1", "GET&/s&a0=1&a%3A=2"},
	{"repeated values mixing reserved and unreserved", "GET", "https://app.test/s?v=a0&v=a%3A",
		"GET&/s&v=a%3A,a0", "GET&/s&v=a0,a%3A"},
	{"tilde key against non-ASCII key", "GET", "https://app.test/s?~=2&%C3%A9=1",
		"GET&/s&%C3%A9=1&~=2", "GET&/s&~=2&%C3%A9=1"},
	{"non-ASCII key against ASCII key", "GET", "https://app.test/s?%C3%A9=1&e=2",
		"GET&/s&%C3%A9=1&e=2", "GET&/s&e=2&%C3%A9=1"},
	{"non-ASCII value against ASCII value", "GET", "https://app.test/s?v=x&v=%C3%A9",
		"GET&/s&v=%C3%A9,x", "GET&/s&v=x,%C3%A9"},
	{"invalid UTF-8 escape", "GET", "https://app.test/s?a=%FF",
		"GET&/s&a=%FF", "GET&/s&a=%EF%BF%BD"},
	{"__proto__ key", "GET", "https://app.test/s?__proto__=x&a=1",
		"GET&/s&__proto__=x&a=1", "GET&/s&a=1"},
}

type oracleCanonical struct {
	Method  string `json:"method"`
	URL     string `json:"url"`
	BaseURL string `json:"baseUrl"`
}

type oracleVerify struct {
	Token   string `json:"token"`
	Secret  string `json:"secret"`
	Method  string `json:"method"`
	URL     string `json:"url"`
	BaseURL string `json:"baseUrl"`
}

type oracleSign struct {
	Payload map[string]any `json:"payload"`
	Secret  string         `json:"secret"`
}

type oracleDoc struct {
	Canonical []oracleCanonical `json:"canonical,omitempty"`
	Verify    []oracleVerify    `json:"verify,omitempty"`
	Sign      []oracleSign      `json:"sign,omitempty"`
}

type oracleAnswer struct {
	Canonical []struct {
		Canonical string `json:"canonical"`
		QSH       string `json:"qsh"`
	} `json:"canonical"`
	Verify []struct {
		OK         bool           `json:"ok"`
		Error      string         `json:"error"`
		Payload    map[string]any `json:"payload"`
		QSHMatches string         `json:"qshMatches"`
	} `json:"verify"`
	Sign []struct {
		Token string `json:"token"`
	} `json:"sign"`
}

// remitCanonical is what Remit computes for a wire URL and app base URL.
func remitCanonical(t *testing.T, method, rawURL, baseURL string) (string, string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatalf("parse %q: %v", rawURL, err)
	}
	prefix := basePath(baseURL)
	return CanonicalRequest(method, u.EscapedPath(), u.RawQuery, prefix), QSH(method, u.EscapedPath(), u.RawQuery, prefix)
}

func TestConformanceCanonicalRequest(t *testing.T) {
	if len(conformanceVectors) < 30 {
		t.Fatalf("only %d conformance vectors; keep at least 30", len(conformanceVectors))
	}
	var doc oracleDoc
	for _, v := range conformanceVectors {
		doc.Canonical = append(doc.Canonical, oracleCanonical{v.method, v.url, v.baseURL})
	}
	var ans oracleAnswer
	runOracle(t, doc, &ans)
	if len(ans.Canonical) != len(conformanceVectors) {
		t.Fatalf("oracle answered %d of %d", len(ans.Canonical), len(conformanceVectors))
	}
	for i, v := range conformanceVectors {
		canonical, qsh := remitCanonical(t, v.method, v.url, v.baseURL)
		ref := ans.Canonical[i]
		if canonical != ref.Canonical || qsh != ref.QSH {
			t.Errorf("%s: %s %s\n remit        %q %s\n atlassian-jwt %q %s", v.name, v.method, v.url, canonical, qsh, ref.Canonical, ref.QSH)
		}
	}
}

func TestConformanceKnownDifferences(t *testing.T) {
	var doc oracleDoc
	for _, v := range knownDifferences {
		doc.Canonical = append(doc.Canonical, oracleCanonical{Method: v.method, URL: v.url})
	}
	var ans oracleAnswer
	runOracle(t, doc, &ans)
	for i, v := range knownDifferences {
		canonical, _ := remitCanonical(t, v.method, v.url, "")
		if canonical != v.wantRemit {
			t.Errorf("%s: remit %q, want (spec) %q", v.name, canonical, v.wantRemit)
		}
		if ref := ans.Canonical[i].Canonical; ref != v.wantReference {
			t.Errorf("%s: atlassian-jwt now gives %q, documented %q; update docs/connect-conformance.md", v.name, ref, v.wantReference)
		}
	}
}

// TestInteropRemitTokensVerifyWithReference signs with Remit and verifies
// with atlassian-jwt's decodeSymmetric and qsh check.
func TestInteropRemitTokensVerifyWithReference(t *testing.T) {
	now := time.Now()
	type signed struct {
		name, method, url, baseURL, wantQSH, wantSub string
		token                                        string
	}
	var cases []signed
	for _, v := range []struct{ name, method, url, baseURL string }{
		{"webhook", "POST", "https://remit.test/webhooks/jira?user_id=a%20b&user_key=x", ""},
		{"repeated and unicode", "GET", "https://remit.test/s?a=3&a=1&q=%C3%A9+x&star=*", ""},
		{"context path", "GET", "https://remit.test/remit/pages/admin/?lic=active", "https://remit.test/remit"},
		{"ampersand path", "GET", "https://site.test/rest/api/2/project&a=b?x=y", ""},
	} {
		u, err := url.Parse(v.url)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := SignRequest("secret-a", "io.remit.jira", "tenant-a", v.method, u, basePath(v.baseURL), now, 3*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, signed{v.name, v.method, v.url, v.baseURL, "request", "", tok})
	}
	ctxTok, err := SignContext("secret-a", "tenant-a", "557058:user", now, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, signed{"context token", "GET", "https://remit.test/api/v1/invoices", "", "context", "557058:user", ctxTok})

	var doc oracleDoc
	for _, c := range cases {
		doc.Verify = append(doc.Verify, oracleVerify{c.token, "secret-a", c.method, c.url, c.baseURL})
	}
	// A wrong secret must fail in the reference too, or the check above proves nothing.
	doc.Verify = append(doc.Verify, oracleVerify{cases[0].token, "secret-b", cases[0].method, cases[0].url, ""})
	var ans oracleAnswer
	runOracle(t, doc, &ans)
	for i, c := range cases {
		got := ans.Verify[i]
		if !got.OK {
			t.Errorf("%s: atlassian-jwt rejected Remit's token: %s", c.name, got.Error)
			continue
		}
		if got.QSHMatches != c.wantQSH {
			t.Errorf("%s: atlassian-jwt qsh check = %q, want %q", c.name, got.QSHMatches, c.wantQSH)
		}
		if c.wantSub != "" && got.Payload["sub"] != c.wantSub {
			t.Errorf("%s: sub = %v, want %s", c.name, got.Payload["sub"], c.wantSub)
		}
	}
	if last := ans.Verify[len(ans.Verify)-1]; last.OK {
		t.Error("atlassian-jwt accepted a token under the wrong secret")
	}
}

// TestInteropReferenceTokensVerifyWithRemit signs with atlassian-jwt's
// encodeSymmetric (qsh from its own createQueryStringHash) and verifies
// with Remit's Verifier.
func TestInteropReferenceTokensVerifyWithRemit(t *testing.T) {
	reqs := []struct {
		name, method, url, baseURL string
		kind                       TokenKind
	}{
		{"webhook", http.MethodPost, "https://remit.test/webhooks/jira?user_id=557058%3Aabc&user_key=x", "", RequestToken},
		{"iframe load", http.MethodGet, "https://remit.test/pages/issue-panel?issueKey=ACME-1&projectKey=ACME&lic=active&cp=", "", RequestToken},
		{"repeated unicode plus", http.MethodGet, "https://remit.test/s?b=x+y&a=%C3%A9&a=*&c=%2B", "", RequestToken},
		{"context path", http.MethodPost, "https://remit.test/remit/webhooks/jira/", "https://remit.test/remit", RequestToken},
		{"context token", http.MethodGet, "https://remit.test/api/v1/invoices?status=open", "", ContextToken},
	}
	var first oracleDoc
	for _, r := range reqs {
		first.Canonical = append(first.Canonical, oracleCanonical{r.method, r.url, r.baseURL})
	}
	var hashes oracleAnswer
	runOracle(t, first, &hashes)

	now := testNow.Unix()
	var second oracleDoc
	for i, r := range reqs {
		qsh := hashes.Canonical[i].QSH
		if r.kind == ContextToken {
			qsh = ContextQSH
		}
		second.Sign = append(second.Sign, oracleSign{
			Payload: map[string]any{"iss": "tenant-a", "sub": "557058:user", "iat": now, "exp": now + 180, "qsh": qsh, "context": map[string]any{"license": "active"}},
			Secret:  "secret-a",
		})
	}
	var tokens oracleAnswer
	runOracle(t, second, &tokens)

	for i, r := range reqs {
		t.Run(r.name, func(t *testing.T) {
			v := &Verifier{Tenants: testTenants(), BasePath: basePath(r.baseURL), Now: fixedClock}
			req := httptest.NewRequest(r.method, r.url, nil)
			req.Header.Set("Authorization", "JWT "+tokens.Sign[i].Token)
			tenant, claims, err := v.Verify(t.Context(), req, r.kind)
			if err != nil {
				t.Fatalf("Remit rejected atlassian-jwt's token: %v", err)
			}
			if tenant.ClientKey != "tenant-a" || claims.Subject != "557058:user" || !strings.Contains(string(claims.Context), "active") {
				t.Errorf("tenant %q, claims %+v", tenant.ClientKey, claims)
			}
			// The same token must not verify for another route kind.
			other := RequestToken
			if r.kind == RequestToken {
				other = ContextToken
			}
			if _, _, err := v.Verify(t.Context(), req, other); err == nil {
				t.Errorf("token verified as %v too", other)
			}
		})
	}
}
