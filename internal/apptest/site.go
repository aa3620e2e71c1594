package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/jirasim"
)

// Site is Remit installed into one simulator site, acting as one user.
type Site struct {
	Stack     *Stack
	Site      *jirasim.Site
	Inst      jirasim.Installation
	AccountID string
}

// InstallSite adds a simulator site, seeds it, makes accountID its site
// administrator (global ADMINISTER, and Browse and Administer Projects on
// the seeded projects) and installs Remit with a signed install.
func (s *Stack) InstallSite(t testing.TB, name string, seed jirasim.SeedData, accountID string) *Site {
	t.Helper()
	if s.Sim == nil {
		t.Fatal("apptest: InstallSite needs WithSim")
	}
	st := s.Sim.AddSite(name)
	if _, err := st.Seed(seed); err != nil {
		t.Fatal(err)
	}
	if err := st.MakeSiteAdmin(accountID); err != nil {
		t.Fatal(err)
	}
	inst, err := st.InstallApp(context.Background(), s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &Site{Stack: s, Site: st, Inst: inst, AccountID: accountID}
}

// As returns the same site acting as another user.
func (ts *Site) As(accountID string) *Site {
	c := *ts
	c.AccountID = accountID
	return &c
}

// Token is a context token for the site's user, as AP.context.getToken gives.
func (ts *Site) Token(t testing.TB) string {
	t.Helper()
	tok, err := connect.SignContext(ts.Inst.SharedSecret, ts.Inst.ClientKey, ts.AccountID, ts.Stack.Now(), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// API calls Remit's JSON API as the site's user. body is marshalled
// unless it is already []byte; a 2xx answer is decoded into out.
func (ts *Site) API(t testing.TB, method, path string, body any, out any) *http.Response {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	resp := ts.Stack.Do(t, method, "/api/v1"+path, "JWT "+ts.Token(t), raw, nil)
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
	return resp
}

// Problem reads a problem document from resp.
func Problem(t testing.TB, resp *http.Response) map[string]any {
	t.Helper()
	var p map[string]any
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	if err := json.Unmarshal(buf.Bytes(), &p); err != nil {
		t.Fatalf("not a problem document (%d): %s", resp.StatusCode, buf.String())
	}
	return p
}

// Page loads one of Remit's iframe pages as Jira frames it for the site's
// user: pathAndQuery signed with a page-load token whose sub is the user
// (none when the site acts as nobody, AccountID ""). It returns the
// status and the HTML.
func (ts *Site) Page(t testing.TB, pathAndQuery string) (int, string) {
	t.Helper()
	resp, body := ts.PageResponse(t, pathAndQuery)
	return resp.StatusCode, body
}

// PageResponse is Page with the whole response (its headers: the CSP).
func (ts *Site) PageResponse(t testing.TB, pathAndQuery string) (*http.Response, string) {
	t.Helper()
	u, err := url.Parse(ts.Stack.URL + pathAndQuery)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := connect.SignPageLoad(ts.Inst.SharedSecret, ts.Inst.ClientKey, ts.AccountID, u, "", ts.Stack.Now(), 3*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("jwt", tok)
	u.RawQuery = q.Encode()
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}
