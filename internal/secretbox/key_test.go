package secretbox_test

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/remitapp/remit/internal/secretbox"
)

func TestParseKey(t *testing.T) {
	t.Parallel()
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = byte(0xf0 + i%16) // bytes that differ between the std and URL alphabets
	}
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"std padded", base64.StdEncoding.EncodeToString(raw), ""},
		{"std raw", base64.RawStdEncoding.EncodeToString(raw), ""},
		{"url padded", base64.URLEncoding.EncodeToString(raw), ""},
		{"url raw", base64.RawURLEncoding.EncodeToString(raw), ""},
		{"surrounding whitespace", "  " + base64.StdEncoding.EncodeToString(raw) + "\n", ""},
		{"empty", "", "empty"},
		{"blank", "   ", "empty"},
		{"not base64", "this is not base64!!", "not valid base64"},
		{"16 bytes", base64.StdEncoding.EncodeToString(raw[:16]), "decodes to 16 bytes; want exactly 32"},
		{"33 bytes", base64.StdEncoding.EncodeToString(append(bytes.Clone(raw), 1)), "decodes to 33 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := secretbox.ParseKey(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseKey(%q) err = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseKey(%q): %v", tt.in, err)
			}
			if !bytes.Equal(got, raw) {
				t.Fatalf("ParseKey(%q) = %x, want %x", tt.in, got, raw)
			}
		})
	}
}

func TestDevKeyCreatesThenReuses(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "dev.key")
	first, err := secretbox.DevKey(path)
	if err != nil {
		t.Fatalf("DevKey (create): %v", err)
	}
	if len(first) != secretbox.KeySize {
		t.Fatalf("len(key) = %d", len(first))
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode = %#o, want 0600", perm)
	}
	second, err := secretbox.DevKey(path)
	if err != nil {
		t.Fatalf("DevKey (reuse): %v", err)
	}
	if !bytes.Equal(first, second) {
		t.Fatal("DevKey returned a different key on the second call")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("key dir holds %d entries, want only the key (temporary file left behind?)", len(entries))
	}
}

func TestDevKeyConcurrentCallersAgree(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "dev.key")
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := secretbox.DevKey(path)
			if err != nil {
				t.Errorf("DevKey: %v", err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for i := range keys {
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("caller %d got a different key", i)
		}
	}
}

func TestDevKeyRejectsBadFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		wantErr string
	}{
		{"world readable", base64.StdEncoding.EncodeToString(make([]byte, 32)), 0o644, "readable by group or others"},
		{"short key", base64.StdEncoding.EncodeToString(make([]byte, 8)), 0o600, "decodes to 8 bytes"},
		{"garbage", "%%%", 0o600, "not valid base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			if err := os.WriteFile(p, []byte(tt.content), tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, err := secretbox.DevKey(p)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("DevKey err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
