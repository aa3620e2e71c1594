package jirasim

import (
	"context"
	"net/http"
	"slices"
	"testing"
)

// TestHostedPagesPassTheEdge checks that a route added with Handle is
// served like the simulator's own site paths: behind fault rules and in
// the site's request log.
func TestHostedPagesPassTheEdge(t *testing.T) {
	e := newEnv(t)
	e.sim.Handle("GET /jira/{site}/hosted/{key}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	get := func() int {
		t.Helper()
		resp, err := http.Get(e.srv.URL + "/jira/acme/hosted/WORK-1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get(); got != http.StatusTeapot {
		t.Fatalf("hosted page: %d", got)
	}
	e.sim.AddFault(FaultRule{Site: "acme", Path: "/hosted/*", Kind: FaultServerError, Status: http.StatusServiceUnavailable})
	if got := get(); got != http.StatusServiceUnavailable {
		t.Fatalf("hosted page under a fault rule: %d", got)
	}
	if n := e.site.RequestCounts()["GET /hosted/WORK-1"]; n != 2 {
		t.Fatalf("request log counts %v", e.site.RequestCounts())
	}
	if !e.sim.Now().Equal(e.clock.Now()) {
		t.Fatalf("Now = %v, want the simulator's clock %v", e.sim.Now(), e.clock.Now())
	}
}

// TestHostReadAccess checks what a host reads of a site: the enabled
// apps, users, and the administrators in order.
func TestHostReadAccess(t *testing.T) {
	e := newEnv(t)
	if apps := e.site.EnabledApps(); len(apps) != 1 || apps[0].AppKey != e.inst.AppKey || apps[0].SharedSecret != e.inst.SharedSecret || len(apps[0].Descriptor) == 0 {
		t.Fatalf("enabled apps = %+v", apps)
	}
	if err := e.site.SetAppEnabled(context.Background(), e.inst.AppKey, false); err != nil {
		t.Fatal(err)
	}
	if apps := e.site.EnabledApps(); len(apps) != 0 {
		t.Fatalf("enabled apps with the app disabled = %+v", apps)
	}
	if u, ok := e.site.User("bob"); !ok || u.DisplayName != "Bob" {
		t.Fatalf("User(bob) = %+v, %v", u, ok)
	}
	if _, ok := e.site.User("nobody"); ok {
		t.Fatal("User(nobody) found")
	}
	for _, id := range []string{"zed", "alice"} {
		if err := e.site.SetPermissions(id, []string{"ADMINISTER"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.site.SetPermissions("bob", []string{"BROWSE_USERS"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := e.site.GlobalAdmins(); !slices.Equal(got, []string{"alice", "zed"}) {
		t.Fatalf("GlobalAdmins = %v", got)
	}
}
