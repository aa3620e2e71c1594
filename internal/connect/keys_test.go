package connect

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"sync"
	"testing"
	"time"
)

func TestKeyFetcherCachesPerKid(t *testing.T) {
	ks := newKeyServer(t)
	now := testNow
	f := &KeyFetcher{URL: ks.URL + "/", TTL: time.Minute, Now: func() time.Time { return now }}
	k1, k2 := testRSAKeys(t)
	for range 3 {
		got, err := f.Key(t.Context(), "kid-1")
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(&k1.PublicKey) {
			t.Fatal("kid-1 returned the wrong key")
		}
	}
	got, err := f.Key(t.Context(), "kid-2")
	if err != nil || !got.Equal(&k2.PublicKey) {
		t.Fatalf("kid-2: %v", err)
	}
	if n := ks.count("/kid-1"); n != 1 {
		t.Errorf("kid-1 fetched %d times within the TTL, want 1", n)
	}
	now = now.Add(2 * time.Minute)
	if _, err := f.Key(t.Context(), "kid-1"); err != nil {
		t.Fatal(err)
	}
	if n := ks.count("/kid-1"); n != 2 {
		t.Errorf("kid-1 fetched %d times after the TTL, want 2", n)
	}
}

func TestKeyFetcherDoesNotCacheFailures(t *testing.T) {
	ks := newKeyServer(t)
	f := &KeyFetcher{URL: ks.URL}
	for range 2 {
		if _, err := f.Key(t.Context(), "kid-500"); err == nil {
			t.Fatal("want error from a 500")
		}
	}
	if n := ks.count("/kid-500"); n != 2 {
		t.Errorf("failed fetch served from cache: %d requests, want 2", n)
	}
}

func TestKeyFetcherCoalescesConcurrentFetches(t *testing.T) {
	ks := newKeyServer(t)
	f := &KeyFetcher{URL: ks.URL}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Go(func() {
			_, err := f.Key(t.Context(), "kid-delay")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := ks.count("/kid-delay"); n != 1 {
		t.Errorf("32 concurrent callers made %d fetches, want 1", n)
	}
}

func TestKeyFetcherWaiterHonoursContext(t *testing.T) {
	ks := newKeyServer(t)
	f := &KeyFetcher{URL: ks.URL, Timeout: 5 * time.Second}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := f.Key(ctx, "kid-slow"); err == nil {
		t.Fatal("want context error")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancelled caller waited %v", d)
	}
}

func TestKeyFetcherRejectsBadKids(t *testing.T) {
	f := &KeyFetcher{URL: "http://127.0.0.1:1"}
	for _, kid := range []string{"", ".", "..", "../x", "a/b", "a?b", "a#b", "%2e", "a b", "a~b", string(make([]byte, 129))} {
		if _, err := f.Key(t.Context(), kid); err == nil {
			t.Errorf("kid %q accepted", kid)
		}
	}
}

func TestParseRSAPublicKeyPEM(t *testing.T) {
	k1, _ := testRSAKeys(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	tests := []struct {
		name    string
		in      []byte
		wantErr bool
	}{
		{"PKIX", pkixPEM(t, &k1.PublicKey), false},
		{"PKCS1", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k1.PublicKey)}), false},
		{"not PEM", []byte("hello"), true},
		{"EC key", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER}), true},
		{"certificate block", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}}), true},
		{"garbage DER", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("nope")}), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseRSAPublicKeyPEM(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err == nil && !k.Equal(&k1.PublicKey) {
				t.Error("parsed the wrong key")
			}
		})
	}
}
