package secretbox_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/secretbox"
)

func mustBox(t *testing.T, fill byte) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New(bytes.Repeat([]byte{fill}, secretbox.KeySize))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return b
}

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	box := mustBox(t, 7)
	for _, plain := range [][]byte{nil, []byte("x"), []byte("a shared secret of some length"), bytes.Repeat([]byte{0}, 4096)} {
		sealed := box.Seal(plain, []byte("tenant-a"))
		if got, want := len(sealed), len(plain)+secretbox.Overhead; got != want {
			t.Errorf("len(sealed) = %d, want %d", got, want)
		}
		if len(plain) > 8 && bytes.Contains(sealed, plain) {
			t.Errorf("sealed value contains the plaintext")
		}
		got, err := box.Open(sealed, []byte("tenant-a"))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if !bytes.Equal(got, plain) {
			t.Errorf("Open = %q, want %q", got, plain)
		}
	}
}

func TestSealUsesFreshNonce(t *testing.T) {
	t.Parallel()
	box := mustBox(t, 1)
	a := box.Seal([]byte("same"), []byte("k"))
	b := box.Seal([]byte("same"), []byte("k"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same plaintext are identical; nonce is not random")
	}
}

func TestOpenRejects(t *testing.T) {
	t.Parallel()
	box := mustBox(t, 3)
	sealed := box.Seal([]byte("secret"), []byte("tenant-a"))
	flip := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 0x01
		return c
	}
	tests := []struct {
		name   string
		box    *secretbox.Box
		sealed []byte
		aad    string
		want   string // substring of the error; "" means ErrOpen
	}{
		{"wrong aad (other tenant)", box, sealed, "tenant-b", ""},
		{"empty aad", box, sealed, "", ""},
		{"wrong key", mustBox(t, 4), sealed, "tenant-a", ""},
		{"tampered nonce", box, flip(1), "tenant-a", ""},
		{"tampered ciphertext", box, flip(1 + 12), "tenant-a", ""},
		{"tampered tag", box, flip(len(sealed) - 1), "tenant-a", ""},
		{"unknown version", box, flip(0), "tenant-a", "unknown format version"},
		{"truncated", box, sealed[:secretbox.Overhead-1], "tenant-a", "too short"},
		{"empty", box, nil, "tenant-a", "too short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.box.Open(tt.sealed, []byte(tt.aad))
			if err == nil {
				t.Fatalf("Open succeeded with %q", got)
			}
			if tt.want == "" {
				if !errors.Is(err, secretbox.ErrOpen) {
					t.Fatalf("err = %v, want ErrOpen", err)
				}
				return
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestNewKeyLength(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 16, 24, 31, 33, 64} {
		_, err := secretbox.New(make([]byte, n))
		if err == nil {
			t.Errorf("New(%d-byte key) succeeded, want error", n)
		} else if !strings.Contains(err.Error(), "32 bytes") {
			t.Errorf("New(%d-byte key) error %q does not name the required size", n, err)
		}
	}
	if _, err := secretbox.New(make([]byte, 32)); err != nil {
		t.Errorf("New(32-byte key): %v", err)
	}
}
