// Package benchkit holds what Remit's load scripts share: a throw-away
// PostgreSQL database, Atlassian's side of a signed install (an install-key
// server and RS256 lifecycle tokens), signed webhook deliveries, and the
// resident memory of a process. The scripts under bench/cmd use it so that
// every figure in docs/performance.md is produced the same way.
package benchkit

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/connect"
)

// CreateDatabase creates database name on the cluster reachable through
// adminURL and returns its URL.
func CreateDatabase(ctx context.Context, adminURL, name string) (string, error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// Atlassian plays Atlassian's part of a signed install: it serves its
// public key by kid and signs lifecycle callbacks with the private key.
type Atlassian struct {
	KeysURL string
	kid     string
	key     *rsa.PrivateKey
	srv     *httptest.Server
}

// NewAtlassian starts the install-key server on loopback.
func NewAtlassian() (*Atlassian, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	a := &Atlassian{kid: "bench-kid", key: key}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	pub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.TrimPrefix(r.URL.Path, "/") != a.kid {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(pub)
	}))
	a.KeysURL = a.srv.URL
	return a, nil
}

// Close stops the key server.
func (a *Atlassian) Close() { a.srv.Close() }

// Tenant is one installed Jira site as the load scripts see it.
type Tenant struct {
	ClientKey    string
	SharedSecret string
}

// NewTenant makes tenant i with a random 32-byte shared secret.
func NewTenant(i int) Tenant {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return Tenant{ClientKey: fmt.Sprintf("bench-site-%04d", i), SharedSecret: hex.EncodeToString(b)}
}

// Install performs a signed install of t into the app at appURL (Remit's
// base URL) for appKey: RS256 with kid, aud = the app's base URL, qsh of
// the callback.
func (a *Atlassian) Install(ctx context.Context, appURL, appKey string, t Tenant) error {
	u, err := url.Parse(strings.TrimSuffix(appURL, "/") + "/lifecycle/installed")
	if err != nil {
		return err
	}
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": t.ClientKey, "aud": []string{strings.TrimSuffix(appURL, "/")},
		"iat": now.Unix(), "exp": now.Add(3 * time.Minute).Unix(),
		"qsh": connect.QSHForURL(http.MethodPost, u, ""),
	})
	tok.Header["kid"] = a.kid
	signed, err := tok.SignedString(a.key)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(InstallPayload(appKey, t))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "JWT "+signed)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("install %s: status %d: %s", t.ClientKey, resp.StatusCode, b)
	}
	return nil
}

// InstallPayload is the installed-callback body Jira sends for t.
func InstallPayload(appKey string, t Tenant) map[string]any {
	site := "https://" + t.ClientKey + ".atlassian.net"
	return map[string]any{
		"key": appKey, "clientKey": t.ClientKey, "sharedSecret": t.SharedSecret, "baseUrl": site,
		"displayUrl": site, "productType": "jira", "description": "load test site", "eventType": "installed",
		"serviceEntitlementNumber": "SEN-bench",
	}
}

// WebhookBody is a jira:issue_updated delivery moving issue n to Paid,
// stamped now (Jira's timestamp is in milliseconds).
func WebhookBody(n int, now time.Time) []byte {
	return fmt.Appendf(nil, `{"timestamp":%d,"webhookEvent":"jira:issue_updated","issue_event_type_name":"issue_generic",`+
		`"user":{"accountId":"557058:bench","accountType":"atlassian"},"issue":{"id":"%d","key":"WORK-%d","fields":{"summary":"Work item %d"}},`+
		`"changelog":{"id":"%d","items":[{"field":"status","fieldtype":"jira","from":"1","fromString":"Open","to":"3","toString":"Paid"}]}}`,
		now.UnixMilli(), 10000+n, n, n, n)
}

// WebhookRequest is one delivery of body to u as Jira sends it: an HS256
// request token whose qsh is this exact request, and the delivery id.
func WebhookRequest(u *url.URL, t Tenant, identifier string, body []byte) (*http.Request, error) {
	tok, err := connect.SignRequest(t.SharedSecret, t.ClientKey, "", http.MethodPost, u, "", time.Now(), 3*time.Minute)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "JWT "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Atlassian-Webhook-Identifier", identifier)
	return req, nil
}

// RSS is the resident set size of process pid in bytes, from /proc.
func RSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest) // "12345 kB"
			if len(f) != 2 || f[1] != "kB" {
				return 0, fmt.Errorf("unexpected VmRSS line %q", line)
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}

// MiB formats bytes as mebibytes with one decimal.
func MiB(b int64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) + " MiB" }

// FreeAddr is a free loopback host:port.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// EncryptionKey is a fresh REMIT_ENCRYPTION_KEY.
func EncryptionKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// WaitHTTP polls url until it answers 200 or ctx ends.
func WaitHTTP(ctx context.Context, url string) error {
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s never answered 200: %w", url, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// clockTicks is Linux's USER_HZ, the unit of /proc/<pid>/stat times.
const clockTicks = 100

// CPU is the processor time pid has used (user + system), and with
// children also that of its exited, reaped children, from /proc.
func CPU(pid int, children bool) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 15 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	last := 13 // utime, stime are fields 14 and 15 of stat: indexes 11 and 12 here
	if children {
		last = 15 // cutime, cstime follow
	}
	var ticks int64
	for _, v := range f[11:last] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// TreeCPU is the processor time of root and every live process below it,
// plus what their reaped children used.
func TreeCPU(root int) time.Duration {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if len(f) > 1 {
			parent[pid], _ = strconv.Atoi(f[1])
		}
	}
	var total time.Duration
	for pid := range parent {
		for p := pid; p > 1; p = parent[p] {
			if p == root {
				d, _ := CPU(pid, true)
				total += d
				break
			}
		}
	}
	return total
}
