package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestServeWithForge builds the real binary and runs `remit serve` with
// Forge enabled, configured only through its environment as an operator
// would: it must start (it once panicked at start on a duplicate metrics
// registration, which no in-process test saw), serve the descriptor,
// accept a Forge installation from the simulator, answer an invokeRemote
// call to its API, and drain on SIGTERM with exit status 0.
func TestServeWithForge(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "remit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// The binary runs on the wall clock, as in production; so does this
	// simulator. Nothing here depends on the date.
	sim := jirasim.New(jirasim.Options{})
	srv := httptest.NewServer(sim.Handler())
	sim.SetURL(srv.URL)
	t.Cleanup(func() { srv.Close(); sim.Close() })

	port := freePort(t)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	const appID = "ari:cloud:ecosystem::app/0f7a4c1e-2b6d-4e8f-9a10-5c3d2e1f0a9b"
	cmd := exec.Command(bin, "serve", "-grace", "5s")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+pgtest.NewDB(t),
		"REMIT_ENV=prod",
		"REMIT_LISTEN=127.0.0.1:"+strconv.Itoa(port),
		"REMIT_BASE_URL="+base,
		"REMIT_ENCRYPTION_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
		"REMIT_CONNECT_KEYS_URL="+srv.URL+"/connect-install-keys",
		"REMIT_FORGE_APP_ID="+appID,
		"REMIT_FORGE_JWKS_URL="+srv.URL+jirasim.ForgeJWKSPath,
		"REMIT_OPS_LISTEN=127.0.0.1:"+strconv.Itoa(freePort(t)),
		// The simulator is this deployment's Jira and Forge gateway.
		"REMIT_JIRA_HOSTS=http://127.0.0.1:*",
		"REMIT_FORGE_API_HOSTS=http://127.0.0.1:*",
	)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})

	// It serves: the descriptor answers once the process is up.
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("remit serve exited at start: %v\n%s", err, logs.String())
		default:
		}
		resp, err := http.Get(base + "/atlassian-connect.json")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var d struct{ Key, BaseURL string }
			if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &d) != nil || d.BaseURL != base {
				t.Fatalf("descriptor: %d %s", resp.StatusCode, body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("remit serve never answered: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Forge: the installation is accepted and an invokeRemote call of the
	// API is answered for the site's admin.
	ctx := context.Background()
	site := sim.AddSite("binary")
	if err := site.SetPermissions("admin", []string{"ADMINISTER"}, nil); err != nil {
		t.Fatal(err)
	}
	inst, err := site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: appID, ConnectKey: "io.remit.jira", RemoteURL: base})
	if err != nil {
		t.Fatalf("forge install: %v\n%s", err, logs.String())
	}
	resp, err := site.InvokeRemote(ctx, inst.ID, "admin", http.MethodGet, "/v1/settings", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET settings through Forge: %d %s\n%s", resp.StatusCode, body, logs.String())
	}

	// SIGTERM drains and exits 0.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("remit serve after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("remit serve did not stop on SIGTERM\n%s", logs.String())
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
