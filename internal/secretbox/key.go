package secretbox

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ParseKey decodes REMIT_ENCRYPTION_KEY: base64 (standard or URL alphabet,
// padded or not) of exactly 32 bytes. The messages name what is wrong so an
// operator can fix the setting without guessing.
func ParseKey(b64 string) ([]byte, error) {
	s := strings.TrimSpace(b64)
	if s == "" {
		return nil, errors.New("encryption key is empty; want base64 of 32 random bytes (e.g. `openssl rand -base64 32`)")
	}
	var key []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		key, err = enc.DecodeString(s)
		if err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("encryption key is not valid base64 (standard or URL alphabet): %w", err)
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("encryption key decodes to %d bytes; want exactly %d", len(key), KeySize)
	}
	return key, nil
}

// DevKey returns the key stored at path, creating it with a fresh random key
// (mode 0600) when it does not exist. It exists so that `REMIT_ENV=dev` works
// with no setup while keeping secrets decryptable across restarts; production
// must set REMIT_ENCRYPTION_KEY instead, and callers enforce that.
func DevKey(path string) ([]byte, error) {
	key, err := readKeyFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("dev key: %w", err)
	}
	key = make([]byte, KeySize)
	_, _ = rand.Read(key) // crypto/rand.Read never fails
	// Write a temporary file, then link it into place: the link fails if
	// another process won the race, and nobody ever sees a half-written key.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".devkey-*")
	if err != nil {
		return nil, fmt.Errorf("dev key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return nil, fmt.Errorf("dev key: write %s: %w", tmp.Name(), err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKeyFile(path)
		}
		return nil, fmt.Errorf("dev key: %w", err)
	}
	return key, nil
}

// readKeyFile reads and parses a key file, refusing one that others can read.
func readKeyFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("dev key: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("dev key: %s has mode %#o; it must not be readable by group or others (chmod 600)", path, perm)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dev key: %w", err)
	}
	key, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("dev key %s: %w", path, err)
	}
	return key, nil
}
