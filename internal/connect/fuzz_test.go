package connect

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func FuzzCanonicalRequest(f *testing.F) {
	for _, v := range qshVectors {
		f.Add(v.method, v.path, v.query, "abc.def")
	}
	f.Add("GET", "/a%zz&b", "%%%&&==+&jwt&jwt=", "x&y")
	f.Add("POST", "", "\xff\xfe=\x00", "")
	f.Fuzz(func(t *testing.T, method, path, query, jwtValue string) {
		canonical := CanonicalRequest(method, path, query, "")
		_, cpath, cquery := splitCanonical(t, canonical, method)
		// Only one trailing '/' is removed, as atlassian-jwt does ("/a//" -> "/a/").
		if cpath == "" || cpath[0] != '/' || strings.Contains(cpath, "&") ||
			(len(cpath) > 1 && strings.HasSuffix(cpath, "/") && !strings.HasSuffix(path, "//")) {
			t.Fatalf("bad canonical path %q from %q", cpath, path)
		}

		// The canonical query is a fixed point when no name repeats
		// (repeated values join with ',' which re-encodes as %2C).
		if !repeatsName(query) {
			if again := canonicalQuery(cquery); again != cquery {
				t.Fatalf("not idempotent: %q -> %q -> %q", query, cquery, again)
			}
		}

		// jwt never affects the result, wherever it appears.
		tok := "jwt=" + PercentEncode(jwtValue)
		for _, q := range []string{query + "&" + tok, tok + "&" + query, tok} {
			if q == tok && query != "" {
				continue
			}
			if got := CanonicalRequest(method, path, q, ""); got != canonical {
				t.Fatalf("jwt changed the result: %q vs %q", got, canonical)
			}
		}
	})
}

// splitCanonical splits METHOD&path&query; the path cannot contain '&'.
func splitCanonical(t *testing.T, canonical, method string) (string, string, string) {
	t.Helper()
	m := strings.ToUpper(method)
	if !strings.HasPrefix(canonical, m+"&") {
		t.Fatalf("canonical %q does not start with %q", canonical, m)
	}
	rest := canonical[len(m)+1:]
	path, query, ok := strings.Cut(rest, "&")
	if !ok {
		t.Fatalf("canonical %q lacks the query separator", canonical)
	}
	return m, path, query
}

// repeatsName reports whether a parameter name occurs twice in rawQuery.
func repeatsName(rawQuery string) bool {
	seen := map[string]bool{}
	for _, p := range encodedParams(rawQuery) {
		if seen[p.name] {
			return true
		}
		seen[p.name] = true
	}
	return false
}

func FuzzVerify(f *testing.F) {
	valid := hs256(f, "secret-a", webhookClaims())
	parts := strings.Split(valid, ".")
	f.Add(valid[:len(valid)-2])
	f.Add(parts[0] + "." + parts[1] + ".")
	f.Add(mint(f, jwtNone(), noneKey(), webhookClaims(), nil))
	f.Add(hs256(f, "wrong", webhookClaims()))
	f.Add("e30.e30.e30")
	f.Add("..")
	f.Add("eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOjF9.x")
	f.Add(strings.Repeat("a", MaxTokenBytes+1))
	v := &Verifier{Tenants: testTenants(), Now: fixedClock}
	f.Fuzz(func(t *testing.T, token string) {
		if token == valid {
			return // the one string that is genuinely signed
		}
		r := httptest.NewRequest(http.MethodPost, webhookURL, nil)
		r.Header["Authorization"] = []string{"JWT " + token}
		for _, kind := range []TokenKind{RequestToken, ContextToken} {
			if _, _, err := v.Verify(t.Context(), r, kind); err == nil {
				t.Fatalf("token %q verified without the secret", token)
			}
		}
	})
}
