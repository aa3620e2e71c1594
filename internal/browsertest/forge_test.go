package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/jirasim"

	"github.com/chromedp/chromedp"
)

const forgeAppID = "ari:cloud:ecosystem::app/3c1b9e2a-7d4f-4a6b-8e21-0f9c5d7a1b42"

// forgeHost stands in for Jira's Forge Custom UI host: it serves the
// build's Forge resource directory in an iframe, gives the page a
// window.__bridge as Forge does, and carries each invokeRemote to Remit
// the way Forge's proxy does — with a FIT the simulator signs for the
// installation and the user, and the app's system token.
type forgeHost struct {
	site    *jirasim.Site
	inst    jirasim.ForgeInstallation
	user    string
	context map[string]any

	mu    sync.Mutex
	paths []string // every invoked path, in order
	calls []string // showFlag and navigate calls, in order
}

// bridgeJS is the stand-in bridge: getContext answers the view context,
// invoke goes to the host's /invoke, showFlag and navigate are posted
// to the host's /hostcall (where Jira would show the flag or navigate),
// and everything else is refused.
const bridgeJS = `window.__bridge = { callBridge: async (name, payload) => {
  if (name === 'getContext') return %s;
  if (name === 'invoke') {
    const r = await fetch('/invoke', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
    return r.json();
  }
  if (name === 'showFlag' || name === 'navigate') {
    await fetch('/hostcall', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, payload }) });
    return;
  }
  throw new Error('the stand-in bridge does not do ' + name);
} };`

func (h *forgeHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Forge host</title></head><body style="margin:0">
<iframe id="app-frame" title="Remit" src="/resource/%s/index.html" style="border:0;width:360px;height:1000px"></iframe></body></html>`, r.URL.Query().Get("page"))
	case r.URL.Path == "/bridge.js":
		ctx, _ := json.Marshal(h.context)
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprintf(w, bridgeJS, ctx)
	case r.URL.Path == "/invoke":
		h.invoke(w, r)
	case r.URL.Path == "/hostcall":
		var c struct {
			Name    string
			Payload map[string]any
		}
		if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.calls = append(h.calls, fmt.Sprintf("%s %v: %v", c.Name, c.Payload["type"], c.Payload["title"]))
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case strings.HasPrefix(r.URL.Path, "/resource/"):
		h.resource(w, r)
	default:
		http.NotFound(w, r)
	}
}

// resource serves frontend/dist/forge/<page>/ as Forge serves a
// resource, with the bridge script placed before the page's own.
func (h *forgeHost) resource(w http.ResponseWriter, r *http.Request) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "frontend", "dist", "forge")
	name := filepath.Clean(strings.TrimPrefix(r.URL.Path, "/resource/"))
	if strings.HasPrefix(name, "..") {
		http.NotFound(w, r)
		return
	}
	if strings.HasSuffix(name, "index.html") {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(bytes.Replace(b, []byte("<head>"), []byte(`<head><script src="/bridge.js"></script>`), 1))
		return
	}
	http.ServeFile(w, r, filepath.Join(root, name))
}

// invoke is Forge's side of invokeRemote.
func (h *forgeHost) invoke(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Path, Method, InvokeType string
		Body                     json.RawMessage
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.InvokeType != "ui-remote-fetch" {
		http.Error(w, "bad invoke", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.paths = append(h.paths, in.Method+" "+in.Path)
	h.mu.Unlock()
	var body []byte
	if len(in.Body) > 0 && string(in.Body) != "null" {
		body = in.Body
	}
	resp, err := h.site.InvokeRemote(r.Context(), h.inst.ID, h.user, in.Method, in.Path, body)
	if err != nil {
		_ = json.NewEncoder(w).Encode(map[string]any{"success": false, "error": map[string]any{"status": 0, "body": err.Error()}})
		return
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	headers := map[string][]string{}
	for k, v := range resp.Header {
		headers[strings.ToLower(k)] = v
	}
	var parsed any = string(raw)
	if strings.Contains(resp.Header.Get("Content-Type"), "json") && json.Valid(raw) {
		parsed = json.RawMessage(raw)
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"success": true, "payload": map[string]any{"status": resp.StatusCode, "headers": headers, "body": parsed}})
}

func (h *forgeHost) invoked() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.paths...)
}

// testForgePanel: the Connect site adopts Forge, and the very same issue
// panel, loaded as a Forge Custom UI resource with no Connect JS at all,
// shows the invoice through invokeRemote and Remit's /forge/api/v1
// routes (the UI endpoint's route before the page's /v1 paths),
// authenticated by FITs.
func (d *demo) testForgePanel(t *testing.T) {
	b := d.b
	b.t = t
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	inst, err := d.site.Site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: d.site.Inst.AppKey, RemoteURL: d.stack.URL})
	if err != nil {
		t.Fatal(err)
	}
	var inv invoiceJSON
	if r := d.site.API(t, "GET", fmt.Sprintf("/invoices/%d", d.overdue.ID), nil, &inv); r.StatusCode != 200 {
		t.Fatalf("invoice: %d", r.StatusCode)
	}
	h := &forgeHost{site: d.site.Site, inst: inst, user: admin, context: map[string]any{
		"moduleKey": "remit-issue-context", "siteUrl": inst.SiteURL, "timezone": "UTC", "cloudId": inst.CloudID,
		"license":   map[string]any{"active": true},
		"extension": map[string]any{"type": "jira:issueContext", "issue": map[string]any{"key": *inv.IssueKey}, "project": map[string]any{"key": "BILL"}},
	}}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	const frame = "/resource/issue-panel/"
	b.Run("open Forge issue context", chromedp.Navigate(srv.URL+"/?page=issue-panel"))
	b.WaitInFrame("invoice figures via Forge", frame, `document.querySelector('[data-testid=invoice-figures]')`, 20*time.Second)
	var got map[string]string
	if err := b.InFrame(frame, fmt.Sprintf(figuresJS, "invoice-figures"), &got); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"Total": usd(inv.Total), "Paid": usd(inv.Paid), "Balance": usd(inv.Balance)} {
		if got[k] != v {
			t.Errorf("%s shows %q through Forge, want %q", k, got[k], v)
		}
	}
	b.WaitInFrame("timeline via Forge", frame, `document.querySelector('[data-testid=timeline] li')`, 10*time.Second)
	var noConnect bool
	if err := b.InFrame(frame, `window.AP === undefined && !document.querySelector('script[src*="all.js"]')`, &noConnect); err != nil || !noConnect {
		t.Fatalf("the Forge page has the Connect JS API (%v)", err)
	}
	// The page names paths below the UI endpoint's route (/forge/api),
	// which Forge puts before them.
	paths := h.invoked()
	wantPaths := []string{"GET /v1/invoices/by-issue/" + *inv.IssueKey, fmt.Sprintf("GET /v1/invoices/%d/timeline", inv.ID)}
	for _, w := range wantPaths {
		if !contains(paths, w) {
			t.Errorf("invokeRemote calls %v lack %q", paths, w)
		}
	}

	// The PDF comes through invokeRemote as base64 in JSON and downloads.
	b.WaitInFrame("download button", frame, fmt.Sprintf(clickButton, "Download PDF"), 10*time.Second)
	pdfPath := fmt.Sprintf("GET /v1/invoices/%d/pdf?encoding=base64", inv.ID)
	for deadline := time.Now().Add(10 * time.Second); !contains(h.invoked(), pdfPath); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("invokeRemote calls %v lack %q", h.invoked(), pdfPath)
		}
	}
	b.WaitInFrame("PDF downloaded", frame, `[...document.querySelectorAll('button')].some(b => b.textContent === 'Download PDF' && !b.disabled)`, 20*time.Second)
	var failure string
	_ = b.InFrame(frame, `document.querySelector('[data-testid=invoice-panel]').innerText`, &failure)
	if strings.Contains(failure, "could not") || strings.Contains(failure, "Something went wrong") {
		t.Errorf("the PDF download through Forge failed:\n%s", failure)
	}
	// Flags go through Forge's showFlag: dispute, then resume.
	b.WaitInFrame("dispute button", frame, fmt.Sprintf(clickButton, "Dispute / pause"), 10*time.Second)
	b.WaitInFrame("resume button", frame, fmt.Sprintf(clickButton, "Resume follow-ups"), 20*time.Second)
	b.WaitInFrame("resumed", frame, `[...document.querySelectorAll('button')].some(b => b.textContent === 'Dispute / pause')`, 20*time.Second)
	want := []string{"showFlag success: Invoice marked disputed; follow-ups paused", "showFlag success: Follow-ups resumed"}
	var flags []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		h.mu.Lock()
		flags = slices.Clone(h.calls)
		h.mu.Unlock()
		if len(flags) >= len(want) {
			break
		}
	}
	if fmt.Sprint(flags) != fmt.Sprint(want) {
		t.Errorf("Forge host calls %q, want %q", flags, want)
	}

	var chunks []string
	_ = b.InFrame(frame, `performance.getEntriesByType('resource').map(e => e.name.split('/').pop()).filter(n => n.startsWith('forge-'))`, &chunks)
	if len(chunks) != 1 {
		t.Errorf("the Forge chunk loaded %d times (%v), want once", len(chunks), chunks)
	}
	b.Screenshot("forge-issue-panel")
	b.Axe(frame)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
