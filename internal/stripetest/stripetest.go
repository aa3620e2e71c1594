// Package stripetest is a test harness for card payments: stripe-mock
// (Stripe's API as its OpenAPI document describes it, stateless), built
// from the version go.mod pins and started on a free port, behind a
// recorder of the requests made to it (stripe-mock answers fixtures, so
// what Remit asked for is read from the requests); and webhook events
// built and signed as Stripe signs them. stripe-mock sends no webhooks:
// tests build the events they need.
package stripetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// MockVersion is the stripe-mock module go.mod pins as a tool; the
// built binary is kept under this name between runs.
const MockVersion = "v0.203.0"

// Server is a running stripe-mock process.
type Server struct {
	URL string // http://127.0.0.1:port
	cmd *exec.Cmd
}

// StartServer builds stripe-mock (once per machine and version) and
// starts it on free loopback ports. TestMain starts one for a package's
// tests, which each record through their own Mock.
func StartServer() (*Server, error) {
	bin, err := build()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:", "-https-addr", "127.0.0.1:")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("stripetest: start stripe-mock: %w", err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "Listening for HTTP at address: "); ok {
				addr <- a
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if ok {
			return &Server{URL: "http://" + a, cmd: cmd}, nil
		}
	case <-time.After(time.Minute):
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil, errors.New("stripetest: stripe-mock did not say where it listens")
}

// Stop ends the process.
func (s *Server) Stop() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// Start is a stripe-mock of the test's own, stopped when it ends, with
// the test's Mock in front.
func Start(t testing.TB) *Mock {
	t.Helper()
	srv, err := StartServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return srv.Mock(t)
}

var buildOnce struct {
	sync.Once
	bin string
	err error
}

// build compiles stripe-mock from the module cache into a file named
// after its version, shared by the test processes of a run (a rename
// makes the last of racing builds win whole).
func build() (string, error) {
	buildOnce.Do(func() {
		bin := filepath.Join(os.TempDir(), fmt.Sprintf("remit-stripe-mock-%s-%d", MockVersion, os.Getuid()))
		if _, err := os.Stat(bin); err == nil {
			buildOnce.bin = bin
			return
		}
		tmp := fmt.Sprintf("%s.%d", bin, os.Getpid())
		cmd := exec.Command("go", "build", "-o", tmp, "github.com/stripe/stripe-mock")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildOnce.err = fmt.Errorf("stripetest: go build stripe-mock: %w\n%s", err, out)
			return
		}
		buildOnce.bin, buildOnce.err = bin, os.Rename(tmp, bin)
	})
	return buildOnce.bin, buildOnce.err
}

// Request is one request made to stripe-mock.
type Request struct {
	Method, Path   string
	IdempotencyKey string
	Form           url.Values // the form-encoded body
}

// Mock records the requests of one test and passes them to stripe-mock.
type Mock struct {
	URL string // give this to the code under test as Stripe's API address

	mu   sync.Mutex
	reqs []Request
}

// Mock puts a recorder of the test's own in front of the server.
func (s *Server) Mock(t testing.TB) *Mock {
	t.Helper()
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	m := &Mock{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		m.mu.Lock()
		m.reqs = append(m.reqs, Request{Method: r.Method, Path: r.URL.Path, IdempotencyKey: r.Header.Get("Idempotency-Key"), Form: form})
		m.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	m.URL = front.URL
	return m
}

// Requests returns the requests made so far to path (all when empty).
func (m *Mock) Requests(path string) []Request {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Request
	for _, r := range m.reqs {
		if path == "" || r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// Sign is the Stripe-Signature header Stripe sends with payload, signed
// with the endpoint's secret at the time at: t=<unix>,v1=<hex of
// HMAC-SHA256(secret, "<unix>." + payload)>.
func Sign(payload []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at}).Header
}

// Event is a webhook event as Stripe posts it: id, type, the creation
// time and the object (marshalled as data.object), on the API version of
// the library.
func Event(id, typ string, created time.Time, object any) []byte {
	obj, err := json.Marshal(object)
	if err != nil {
		panic(err)
	}
	b, err := json.Marshal(map[string]any{
		"id": id, "object": "event", "type": typ, "api_version": stripe.APIVersion, "created": created.Unix(),
		"livemode": false, "pending_webhooks": 1, "data": map[string]json.RawMessage{"object": obj},
	})
	if err != nil {
		panic(err)
	}
	return b
}

// CheckoutSessionCompleted is the object of a checkout.session.completed
// event: a paid session with its payment intent and metadata.
func CheckoutSessionCompleted(sessionID, intent string, amount int64, currency string, metadata map[string]string) map[string]any {
	return map[string]any{"id": sessionID, "object": "checkout.session", "mode": "payment", "status": "complete",
		"payment_status": "paid", "amount_total": amount, "currency": currency, "payment_intent": intent,
		"metadata": metadata}
}

// PaymentIntentSucceeded is the object of a payment_intent.succeeded
// event.
func PaymentIntentSucceeded(intent string, amount int64, currency string, metadata map[string]string) map[string]any {
	return map[string]any{"id": intent, "object": "payment_intent", "status": "succeeded", "amount": amount,
		"amount_received": amount, "currency": currency, "metadata": metadata}
}

// Object fetches an object of Stripe's API from stripe-mock (GET path,
// e.g. /v1/refunds/re_1, with a test key), shaped as Stripe's OpenAPI
// document says: the base of the refund, charge and dispute objects the
// tests put in their events, so that Remit reads Stripe's own shapes.
func (m *Mock) Object(t testing.TB, path string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, m.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer sk_test_stripetest")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var obj map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&obj); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s from stripe-mock: %d, %v", path, resp.StatusCode, err)
	}
	return obj
}

// With is obj with the fields of set replaced.
func With(obj map[string]any, set map[string]any) map[string]any {
	out := make(map[string]any, len(obj)+len(set))
	for k, v := range obj {
		out[k] = v
	}
	for k, v := range set {
		out[k] = v
	}
	return out
}
