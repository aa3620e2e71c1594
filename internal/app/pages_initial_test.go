package app_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/remitapp/remit/frontend"
	"github.com/remitapp/remit/internal/apptest"
)

// initialRE finds the first answer an iframe page carries.
var initialRE = regexp.MustCompile(`(?s)<script type="application/json" id="remit-initial">(.*?)</script>`)

// firstPaintRE finds the inline first-paint script of a page.
var firstPaintRE = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// firstPaintOf is the page's inline first-paint script, or "".
func firstPaintOf(page string) string {
	if m := firstPaintRE.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

// initialOf is the first answer rendered into page, or nil when it has none.
func initialOf(t *testing.T, page string) map[string]any {
	t.Helper()
	m := initialRE.FindStringSubmatch(page)
	if m == nil {
		return nil
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(m[1]), &v); err != nil {
		t.Fatalf("initial answer is not JSON: %v\n%s", err, m[1])
	}
	return v
}

// TestIssuePanelPageCarriesItsFirstAnswer checks that the issue panel's
// page arrives with the answer the panel would otherwise fetch (so the
// figures paint without a token round trip and an API call), that it is
// exactly the API's answer for that user, and that it is left out for a
// user the API would refuse and for a page load that names no user.
func TestIssuePanelPageCarriesItsFirstAnswer(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture()})
	b := newBillingSite(t, s, "initial")
	b.configure(t)
	// A customer whose name would end the script element if it were
	// written into the page unescaped.
	var c struct{ ID int64 }
	evil := `Initech </script><script>alert(1)</script>`
	if r := b.API(t, "POST", "/customers", map[string]any{"name": evil, "jql": "project = GLOBEX", "currency": "EUR", "hourlyRate": "80"}, &c); r.StatusCode != 201 {
		t.Fatalf("customer: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	var inv invoiceResp
	body := map[string]any{"customerId": c.ID, "periodStart": periodStart, "periodEnd": periodEnd, "issueDate": "2026-11-15"}
	if r := b.API(t, "POST", "/invoices", body, &inv); r.StatusCode != 201 {
		t.Fatalf("create: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	issue := waitIssue(t, b, inv.Number, "Sent")

	apiAnswer := func(who *apptest.Site, path string) map[string]any {
		t.Helper()
		var v map[string]any
		if r := who.API(t, "GET", path, nil, &v); r.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, r.StatusCode)
		}
		return v
	}
	page := func(who *apptest.Site, issueKey string) string {
		t.Helper()
		code, html := who.Page(t, fmt.Sprintf("/pages/issue-panel?issueKey=%s&projectKey=%s&lic=active",
			issueKey, strings.Split(issueKey, "-")[0]))
		if code != 200 {
			t.Fatalf("page for %s: %d\n%s", issueKey, code, html)
		}
		return html
	}

	// The invoice issue: the invoice, as GET /invoices/by-issue answers it,
	// and the first-paint script that draws it before the bundle, allowed
	// to run by its hash in the page's CSP.
	resp, p := b.PageResponse(t, fmt.Sprintf("/pages/issue-panel?issueKey=%s&projectKey=BILL&lic=active", issue.Key))
	if resp.StatusCode != 200 {
		t.Fatalf("invoice issue page: %d\n%s", resp.StatusCode, p)
	}
	fp := firstPaintOf(p)
	built, err := fs.ReadFile(frontend.Assets(), "first-paint.js")
	if err != nil || fp != string(built) {
		t.Fatalf("the page does not carry the built first-paint script (%v):\n%s", err, p)
	}
	sum := sha256.Sum256([]byte(fp))
	if hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(resp.Header.Get("Content-Security-Policy"), " "+hash+";") {
		t.Fatalf("CSP %q does not allow the first-paint script (%s)", resp.Header.Get("Content-Security-Policy"), hash)
	}
	if strings.Contains(p, "<script>alert(1)") {
		t.Fatalf("the customer's name ended the script element:\n%s", p)
	}
	got := initialOf(t, p)
	if got == nil || got["kind"] != "invoice" {
		t.Fatalf("invoice issue page: initial answer %v", got)
	}
	want := apiAnswer(b.Site, "/invoices/by-issue/"+issue.Key)
	if !reflect.DeepEqual(got["invoice"], want) {
		t.Fatalf("initial invoice differs from the API's:\n got %v\nwant %v", got["invoice"], want)
	}
	if want["customerName"] != evil {
		t.Fatalf("customer name %q", want["customerName"])
	}

	// A work issue: its billing, as GET /issues/{key}/billing answers it.
	got = initialOf(t, page(b.Site, "GLOBEX-3"))
	if got == nil || got["kind"] != "work" || !reflect.DeepEqual(got["billing"], apiAnswer(b.Site, "/issues/GLOBEX-3/billing")) {
		t.Fatalf("work issue page: initial answer %v", got)
	}

	// A user who may not browse the billing project gets the page (the
	// panel then shows the API's refusal) but not the data.
	if p := page(b.As("557058:nobody"), issue.Key); initialOf(t, p) != nil || firstPaintOf(p) != "" || strings.Contains(p, html.EscapeString(inv.Number)+`"`) {
		t.Fatalf("a user without permission got the invoice in the page:\n%s", p)
	}
	// A page load that names no user carries no data either.
	if p := page(b.As(""), issue.Key); initialOf(t, p) != nil {
		t.Fatalf("an anonymous page load got the invoice:\n%s", p)
	}
	// A reader (Browse Projects on BILL) gets it, as the API answers them.
	if err := b.Site.Site.SetPermissions("557058:reader", nil, map[string][]string{"BILL": {"BROWSE_PROJECTS"}}); err != nil {
		t.Fatal(err)
	}
	reader := b.As("557058:reader")
	if got := initialOf(t, page(reader, issue.Key)); got == nil || !reflect.DeepEqual(got["invoice"], apiAnswer(reader, "/invoices/by-issue/"+issue.Key)) {
		t.Fatalf("reader's initial answer %v", got)
	}
}
