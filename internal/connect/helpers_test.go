package connect

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/remit"
)

// testNow is the fixed instant every verification test runs at.
var testNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return testNow }

// fakeTenants is an in-memory TenantSource.
type fakeTenants map[string]remit.Tenant

func (f fakeTenants) TenantByClientKey(_ context.Context, clientKey string) (remit.Tenant, error) {
	if clientKey == "tenant-store-down" {
		return remit.Tenant{}, errors.New("connection refused")
	}
	t, ok := f[clientKey]
	if !ok {
		return remit.Tenant{}, remit.Errorf(remit.NotFound, "fakeTenants", "no tenant %q", clientKey)
	}
	return t, nil
}

func testTenants() fakeTenants {
	return fakeTenants{
		"tenant-a":     {ClientKey: "tenant-a", SharedSecret: "secret-a", State: remit.TenantInstalled, Enabled: true},
		"tenant-b":     {ClientKey: "tenant-b", SharedSecret: "secret-b", State: remit.TenantInstalled, Enabled: true},
		"tenant-gone":  {ClientKey: "tenant-gone", SharedSecret: "secret-gone", State: remit.TenantUninstalled, Enabled: true},
		"tenant-off":   {ClientKey: "tenant-off", SharedSecret: "secret-off", State: remit.TenantInstalled, Enabled: false},
		"tenant-empty": {ClientKey: "tenant-empty", SharedSecret: "", State: remit.TenantInstalled, Enabled: true},
	}
}

// mint signs claims with method and key, failing the test on error.
func mint(t testing.TB, method jwt.SigningMethod, key any, claims jwt.MapClaims, header map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}

var (
	rsaOnce sync.Once
	rsaKeys [2]*rsa.PrivateKey
)

// testRSAKeys returns two RSA keys generated once per test binary.
func testRSAKeys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	rsaOnce.Do(func() {
		for i := range rsaKeys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			rsaKeys[i] = k
		}
	})
	return rsaKeys[0], rsaKeys[1]
}

// repoRoot walks up from the package directory to the directory of go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the package directory")
		}
		dir = parent
	}
}

// runOracle sends doc to tools/jwtref/oracle.js (Atlassian's atlassian-jwt)
// and decodes its answer into out. It fails, never skips, when Node or the
// library is missing: conformance is part of the build.
func runOracle(t testing.TB, doc, out any) {
	t.Helper()
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "tools", "jwtref", "node_modules", "atlassian-jwt", "package.json")); err != nil {
		t.Fatalf("atlassian-jwt is not installed (%v); run: npm ci --prefix tools/jwtref", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH (%v); install Node.js, then run: npm ci --prefix tools/jwtref", err)
	}
	in, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(root, "tools", "jwtref", "oracle.js"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle failed: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("oracle output: %v\n%s", err, stdout)
	}
}

// wantKind fails unless err is a *remit.Error of kind.
func wantKind(t testing.TB, err error, kind remit.Kind) {
	t.Helper()
	var re *remit.Error
	if !errors.As(err, &re) {
		t.Fatalf("error = %v (%T), want *remit.Error of kind %v", err, err, kind)
	}
	if re.Kind != kind {
		t.Fatalf("error kind = %v (%v), want %v", re.Kind, err, kind)
	}
}

func jwtNone() jwt.SigningMethod { return jwt.SigningMethodNone }
func noneKey() any               { return jwt.UnsafeAllowNoneSignatureType }
