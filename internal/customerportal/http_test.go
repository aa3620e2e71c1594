package customerportal_test

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/httpapi"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// edge serves the bundle's customer page as remit serve does, with
// limits tests choose.
func (b *testBundle) edge(t testing.TB, tok, addr httpapi.RateLimit) *httptest.Server {
	t.Helper()
	return b.edgeBehind(t, tok, addr, nil)
}

// edgeBehind is edge with the reverse proxies it trusts.
func (b *testBundle) edgeBehind(t testing.TB, tok, addr httpapi.RateLimit, proxies httpapi.TrustedProxies) *httptest.Server {
	t.Helper()
	srv := httpapi.New(httpapi.Deps{Logger: b.svc.Logger, Now: b.clock.Now, BaseURL: b.svc.BaseURL, Registry: prometheus.NewRegistry(),
		Billing: b.bill, Customers: b.svc, CustomerTokenLimit: tok, CustomerAddressLimit: addr, TrustedProxies: proxies,
		RateWindows: b.svc.DB})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t testing.TB, u string) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirects.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func post(t *testing.T, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirects.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// pageOf is the server's address of a token's page (the base URL's path
// is /app).
func pageOf(ts *httptest.Server, token string) string { return ts.URL + "/c/" + token }

// TestHTTPPageWithoutScript: the page's raw HTML has the invoice's
// figures, the bank details, the reference and the pay form (with a
// provider), needs no script (none on the page, none allowed by its
// CSP), and carries the headers that keep its address private.
func TestHTTPPageWithoutScript(t *testing.T) {
	t.Parallel()
	b := setup(t)
	fc := &fakeCheckout{}
	b.svc.Checkout = fc
	ts := b.edge(t, httpapi.RateLimit{}, httpapi.RateLimit{})
	_, token := b.access(t)
	resp, body := get(t, pageOf(ts, token))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	for _, want := range []string{
		`<html lang="en">`, `<main id="main">`, "Invoice " + b.inv.Number + " to Acme",
		`<dd class="due" id="amount-due">350.00 USD</dd>`, `<dd id="due-date">2026-12-15</dd>`, `<dd id="paid">0.00 USD</dd>`,
		"DE89 3704 0044 0532 0130 00", "COBADEFFXXX", `<dd class="mono" id="reference">` + b.inv.Number + `</dd>`,
		`<form method="post" action="/app/c/` + token + `/pay">`, `<button type="submit" id="pay-now">`,
		`action="/app/c/` + token + `/promise"`, `<label for="promise-date">`, `href="/app/c/` + token + `/pdf"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(strings.ToLower(body), "<script") || strings.Contains(body, " on") && regexp.MustCompile(`\son[a-z]+=`).MatchString(body) {
		t.Error("the page has a script or an inline event handler")
	}
	h := resp.Header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "style-src 'sha256-"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %s", csp, want)
		}
	}
	// The one stylesheet is the one the policy allows, byte for byte.
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(body)
	if style == nil {
		t.Fatal("the page has no stylesheet")
	}
	sum := sha256.Sum256([]byte(style[1]))
	if !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Errorf("CSP %q does not allow the page's stylesheet", csp)
	}
	if strings.Contains(csp, "script-src") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q allows scripts or inline code", csp)
	}
	if h.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(h.Get("X-Robots-Tag"), "noindex") || h.Get("X-Frame-Options") != "DENY" ||
		h.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", h)
	}

	// The pay form answers 303 to the provider's page.
	resp, _ = post(t, pageOf(ts, token)+"/pay", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "https://checkout.example/session/cs_1" || fc.invoiceID != b.inv.ID {
		t.Fatalf("pay: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The PDF and the statement open from the same token.
	resp, pdf := get(t, pageOf(ts, token)+"/pdf")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(pdf, "%PDF") {
		t.Fatalf("pdf: %d %q", resp.StatusCode, pdf[:min(len(pdf), 20)])
	}
	resp, st := get(t, pageOf(ts, token)+"/statement")
	if resp.StatusCode != http.StatusOK || !strings.Contains(st, b.inv.Number) || !strings.Contains(st, "/app/c/") {
		t.Fatalf("statement: %d %s", resp.StatusCode, st)
	}
}

// TestHTTPWithoutProvider: no provider, no pay form; the bank transfer
// is still there, and a forged POST to /pay is answered on the page.
func TestHTTPWithoutProvider(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ts := b.edge(t, httpapi.RateLimit{}, httpapi.RateLimit{})
	_, token := b.access(t)
	_, body := get(t, pageOf(ts, token))
	if strings.Contains(body, "/pay\"") || !strings.Contains(body, "DE89 3704") {
		t.Fatal("without a provider the page offers card payment, or lacks the bank details")
	}
	resp, body := post(t, pageOf(ts, token)+"/pay", url.Values{})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "bank transfer") {
		t.Fatalf("pay without provider: %d", resp.StatusCode)
	}
}

// TestHTTPWrongTokens: a guessed, altered, cut or malformed token gets
// one 404 page, byte for byte the same, on every route; a revoked one a
// 410 that says so; a settled invoice's page says it is paid and offers
// nothing; another tenant's token opens its own invoice only.
func TestHTTPWrongTokens(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ts := b.edge(t, httpapi.RateLimit{PerSecond: 1000, Burst: 1000}, httpapi.RateLimit{PerSecond: 1000, Burst: 1000})
	_, token := b.access(t)
	flip := []byte(token)
	flip[5] ^= 1
	var first string
	for _, wrong := range []string{strings.Repeat("x", 43), string(flip), token[:40], "a", strings.Repeat("y", 500), token + "%2F..%2F"} {
		for _, suffix := range []string{"", "/pdf", "/statement"} {
			resp, body := get(t, pageOf(ts, wrong)+suffix)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("%q%s: status %d", wrong, suffix, resp.StatusCode)
			}
			if first == "" {
				first = body
			}
			if body != first {
				t.Fatalf("%q%s: a 404 page that differs from the others", wrong, suffix)
			}
		}
		resp, _ := post(t, pageOf(ts, wrong)+"/promise", url.Values{"date": {"2026-12-01"}})
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("promise with %q: %d", wrong, resp.StatusCode)
		}
	}
	if strings.Contains(first, b.inv.Number) || strings.Contains(first, "Remit Consulting") {
		t.Fatal("the 404 page names the invoice or the seller")
	}

	// Another tenant's token opens its invoice, never this one's.
	other := setupTenant(t, b.clock, b.pool, b.db, b.sites, "globex-site")
	other.svc = b.svc
	_, otherToken := other.access(t)
	_, body := get(t, pageOf(ts, otherToken))
	if !strings.Contains(body, other.inv.Number) || !strings.Contains(body, `<p class="seller">Seller of globex-site</p>`) {
		t.Fatalf("the other tenant's page: %s", body)
	}
	if err := b.db.SetTenantEnabled(b.ctx, other.tenant.ClientKey, false); err != nil {
		t.Fatal(err)
	}
	if resp, body := get(t, pageOf(ts, otherToken)); resp.StatusCode != http.StatusNotFound || body != first {
		t.Fatalf("a disabled tenant's token: %d", resp.StatusCode)
	}

	// Settled.
	if _, _, err := b.bill.RecordPayment(b.ctx, b.manager, b.inv.ID, paymentOf("350.00")); err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, pageOf(ts, token))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "This invoice is paid") || strings.Contains(body, "/promise\"") {
		t.Fatalf("settled: %d", resp.StatusCode)
	}
	if resp, _ := post(t, pageOf(ts, token)+"/promise", url.Values{"date": {"2026-12-01"}}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("promise on a paid invoice: %d", resp.StatusCode)
	}

	// Revoked.
	if err := b.svc.Revoke(b.ctx, b.manager, b.inv.ID); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "/pdf", "/statement"} {
		resp, body = get(t, pageOf(ts, token)+suffix)
		if resp.StatusCode != http.StatusGone || !strings.Contains(body, "This link was revoked") || strings.Contains(body, b.inv.Number) {
			t.Fatalf("revoked%s: %d", suffix, resp.StatusCode)
		}
	}
}

// TestHTTPFlood: past its bucket, one page answers 429 with Retry-After
// while another page from another address still opens; past the address's
// bucket, any page from that address answers 429.
func TestHTTPFlood(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ts := b.edge(t, httpapi.RateLimit{PerSecond: 0.1, Burst: 5}, httpapi.RateLimit{PerSecond: 0.1, Burst: 8})
	_, token := b.access(t)
	codes := map[int]int{}
	var retry string
	for range 6 {
		resp, _ := get(t, pageOf(ts, token))
		codes[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests {
			retry = resp.Header.Get("Retry-After")
		}
	}
	if codes[http.StatusOK] != 5 || codes[http.StatusTooManyRequests] != 1 || retry == "" || retry == "0" {
		t.Fatalf("per token: %v, Retry-After %q", codes, retry)
	}
	// Guessing tokens from one address: the address's bucket (8, of which
	// 6 are spent) runs out whatever the token.
	codes = map[int]int{}
	for i := range 4 {
		resp, _ := get(t, pageOf(ts, strings.Repeat(string(rune('a'+i)), 43)))
		codes[resp.StatusCode]++
	}
	if codes[http.StatusNotFound] != 2 || codes[http.StatusTooManyRequests] != 2 {
		t.Fatalf("per address: %v", codes)
	}
	b.clock.Advance(2 * 60e9)
	if resp, _ := get(t, pageOf(ts, token)); resp.StatusCode != http.StatusOK {
		t.Fatalf("after two minutes: %d", resp.StatusCode)
	}
}

// getFrom gets u with X-Forwarded-For set to xff.
func getFrom(t *testing.T, u, xff string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-For", xff)
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// TestHTTPAddressBehindProxy: the per-address limit keys on the client
// behind trusted proxies, and on the connection otherwise. The test's
// connections come from 127.0.0.1.
func TestHTTPAddressBehindProxy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, token := b.access(t)
	tok, addr := httpapi.RateLimit{PerSecond: 0.01, Burst: 100}, httpapi.RateLimit{PerSecond: 0.01, Burst: 3}

	// Loopback is not a trusted proxy here: a header the client forges,
	// different each time, does not give it a fresh bucket.
	ts := b.edgeBehind(t, tok, addr, httpapi.TrustedProxies{netip.MustParsePrefix("10.0.0.0/8")})
	for i := range 4 {
		want := http.StatusOK
		if i == 3 {
			want = http.StatusTooManyRequests
		}
		if got := getFrom(t, pageOf(ts, token), fmt.Sprintf("198.51.100.%d", i+1)); got != want {
			t.Fatalf("forged header %d from an untrusted peer: %d, want %d", i+1, got, want)
		}
	}

	// Behind two trusted proxies (loopback, then 10.0.0.2): each customer
	// has a bucket of their own, whatever they write in the header.
	ts = b.edgeBehind(t, tok, addr, httpapi.TrustedProxies{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")})
	for i := range 4 {
		want := http.StatusOK
		if i == 3 {
			want = http.StatusTooManyRequests
		}
		if got := getFrom(t, pageOf(ts, token), fmt.Sprintf("192.0.2.%d, 198.51.100.1, 10.0.0.2", i)); got != want {
			t.Fatalf("request %d of 198.51.100.1 through two proxies: %d, want %d", i+1, got, want)
		}
	}
	if got := getFrom(t, pageOf(ts, token), "198.51.100.2, 10.0.0.2"); got != http.StatusOK {
		t.Fatalf("another customer behind the same proxies: %d", got)
	}
	// A malformed header counts against the proxy's own address: the
	// bucket of 127.0.0.1, which the forged headers above spent.
	if got := getFrom(t, pageOf(ts, token), "198.51.100.3, garbage"); got != http.StatusTooManyRequests {
		t.Fatalf("malformed header: %d, want the proxy's spent bucket's 429", got)
	}
	if got := getFrom(t, pageOf(ts, token), "198.51.100.3, 10.0.0.2"); got != http.StatusOK {
		t.Fatalf("the same client through a well-formed chain: %d", got)
	}
}

// TestHTTPLimitsSharedByReplicas: two Remit servers on one database share
// the customer page's limits: a client alternating between them gets the
// limit once, not twice, per address and per token; and a window that
// ended frees both.
func TestHTTPLimitsSharedByReplicas(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, token := b.access(t)
	proxies := httpapi.TrustedProxies{netip.MustParsePrefix("127.0.0.0/8")}
	tok, addr := httpapi.RateLimit{PerSecond: 0.1, Burst: 6}, httpapi.RateLimit{PerSecond: 0.1, Burst: 4}
	replicas := []*httptest.Server{b.edgeBehind(t, tok, addr, proxies), b.edgeBehind(t, tok, addr, proxies)}

	// One address, pages that do not exist (the token's limit untouched):
	// four requests in all, then 429 from either replica.
	for i := range 6 {
		want := http.StatusNotFound
		if i >= 4 {
			want = http.StatusTooManyRequests
		}
		if got := getFrom(t, pageOf(replicas[i%2], strings.Repeat("x", 43)), "198.51.100.1"); got != want {
			t.Fatalf("request %d from one address to replica %d: %d, want %d", i+1, i%2+1, got, want)
		}
	}
	// One page, a new address each time: six requests in all.
	for i := range 8 {
		want := http.StatusOK
		if i >= 6 {
			want = http.StatusTooManyRequests
		}
		if got := getFrom(t, pageOf(replicas[i%2], token), fmt.Sprintf("203.0.113.%d", i+1)); got != want {
			t.Fatalf("request %d at one page to replica %d: %d, want %d", i+1, i%2+1, got, want)
		}
	}
	b.clock.Advance(2 * time.Minute)
	for i, ts := range replicas {
		if got := getFrom(t, pageOf(ts, token), "198.51.100.1"); got != http.StatusOK {
			t.Fatalf("replica %d after the windows ended: %d", i+1, got)
		}
	}
}

// TestHTTPActions: the forms work without script: a valid promise, plan
// request and dispute each answer 303 to the page with its thank-you; a
// refused one answers 422 with the reason at its form.
func TestHTTPActions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ts := b.edge(t, httpapi.RateLimit{}, httpapi.RateLimit{})
	_, token := b.access(t)
	resp, body := post(t, pageOf(ts, token)+"/promise", url.Values{"date": {"2027-03-01"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="form-error"`) || !strings.Contains(body, "too far ahead") {
		t.Fatalf("far promise: %d", resp.StatusCode)
	}
	resp, _ = post(t, pageOf(ts, token)+"/plan", url.Values{"date": {"2026-12-15", "2027-01-15", "", ""}, "amount": {"150.00", "200.00", "", ""}, "note": {"thanks"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/app/c/"+token+"?done=plan" {
		t.Fatalf("plan: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = get(t, pageOf(ts, token)+"?done=plan")
	if !strings.Contains(body, "payment plan request was sent") || !strings.Contains(body, "waiting for") {
		t.Fatal("the page does not thank for, or show, the plan request")
	}
	resp, _ = post(t, pageOf(ts, token)+"/promise", url.Values{"date": {"2026-12-01"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("promise: %d", resp.StatusCode)
	}
	_, body = get(t, pageOf(ts, token))
	if !strings.Contains(body, "You promised to pay by 2026-12-01") {
		t.Fatal("the page does not show the promise")
	}
	resp, _ = post(t, pageOf(ts, token)+"/dispute", url.Values{"reason": {"Wrong hours."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("dispute: %d", resp.StatusCode)
	}
	if got := b.audit(t, "customer"); len(got) != 3 {
		t.Fatalf("customer audit entries: %+v", got)
	}
}

// TestHTTPEInvoice: a customer who receives e-invoices finds theirs on
// the page and downloads it with the same token; an unknown format is the
// one 404 page.
func TestHTTPEInvoice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := remit.Actor{Tenant: b.tenant, AccountID: adminID}
	set, _, err := b.setup.Settings(b.ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	set.Seller.PostalAddress = invoice.Address{Street: "1 Main St", City: "Springfield", Postcode: "12345", Country: "US"}
	set.Seller.TaxID = "US-12-3456789"
	if _, err := b.setup.PutSettings(b.ctx, admin, set); err != nil {
		t.Fatal(err)
	}
	c := b.cust
	c.Address = invoice.Address{Street: "5 Rue de la Paix", City: "Paris", Postcode: "75002", Country: "FR"}
	c.TaxID, c.EInvoiceFormat, c.TaxCategory, c.BuyerReference = "FR40303265045", "ubl", invoice.TaxZero, "PO-4711"
	if _, err := b.setup.SaveCustomer(b.ctx, admin, c); err != nil {
		t.Fatal(err)
	}
	// An invoice issued now carries the seller and buyer it was issued to.
	work := b.site.AddIssue("WORK", "More work")
	b.site.LogWork(work, "557058:dev", time.Date(2026, 11, 15, 10, 0, 0, 0, time.UTC), 3600)
	inv, err := b.bill.Create(b.ctx, b.manager, billing.GenerateRequest{CustomerID: b.cust.ID, IssueDate: date("2026-11-16"),
		Period: invoice.Period{Start: date("2026-11-15"), End: date("2026-11-15")}})
	if err != nil {
		t.Fatal(err)
	}
	b.inv = inv
	ts := b.edge(t, httpapi.RateLimit{}, httpapi.RateLimit{})
	_, token := b.access(t)
	_, body := get(t, pageOf(ts, token))
	if !strings.Contains(body, `href="/app/c/`+token+`/einvoice/ubl"`) {
		t.Fatal("the page does not offer the customer's e-invoice")
	}
	resp, xml := get(t, pageOf(ts, token)+"/einvoice/ubl")
	if resp.StatusCode != http.StatusOK || !strings.Contains(xml, "<Invoice") || !strings.Contains(xml, b.inv.Number) {
		t.Fatalf("e-invoice: %d %s", resp.StatusCode, xml[strings.Index(xml, "<main"):])
	}
	// A customer who takes Factur-X is offered the PDF that carries the CII.
	c.EInvoiceFormat = "facturx"
	if _, err := b.setup.SaveCustomer(b.ctx, admin, c); err != nil {
		t.Fatal(err)
	}
	if _, body := get(t, pageOf(ts, token)); !strings.Contains(body, `/einvoice/facturx" download>Download the e-invoice (Factur-X PDF)`) {
		t.Fatal("the page does not offer the customer's Factur-X")
	}
	resp, pdf := get(t, pageOf(ts, token)+"/einvoice/facturx")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("Factur-X: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	_, notFound := get(t, pageOf(ts, strings.Repeat("z", 43)))
	resp, body = get(t, pageOf(ts, token)+"/einvoice/pdf")
	if resp.StatusCode != http.StatusNotFound || body != notFound {
		t.Fatalf("unknown format: %d", resp.StatusCode)
	}
}
