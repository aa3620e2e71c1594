package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

// version1 marks AES-256-GCM with a random 96-bit nonce; it is the first
// byte of every sealed value so a future format can be told apart.
const version1 byte = 1

// nonceSize and tagSize are fixed by AES-GCM with a random nonce.
const (
	nonceSize = 12
	tagSize   = 16
)

// Overhead is how many bytes Seal adds to the plaintext, for sizing columns.
const Overhead = 1 + nonceSize + tagSize

// ErrOpen is returned when a sealed value cannot be authenticated: wrong key,
// wrong additional data (another tenant's row), or tampering. It says nothing
// more on purpose.
var ErrOpen = errors.New("secretbox: message authentication failed")

// Box seals and opens values with one key. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
}

// New builds a Box from a 32-byte key, refusing any other length so that a
// truncated or mistyped key is caught at start-up rather than at first use.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plaintext bound to aad (the tenant's clientKey). Each call
// draws a fresh random nonce, so sealing the same secret twice gives
// different bytes.
func (b *Box) Seal(plaintext, aad []byte) []byte {
	out := make([]byte, 1, Overhead+len(plaintext))
	out[0] = version1
	return b.aead.Seal(out, nil, plaintext, additionalData(version1, aad))
}

// Open authenticates and decrypts a value made by Seal with the same key and
// aad. Any mismatch returns ErrOpen.
func (b *Box) Open(sealed, aad []byte) ([]byte, error) {
	if len(sealed) < Overhead {
		return nil, fmt.Errorf("secretbox: sealed value too short (%d bytes, need at least %d)", len(sealed), Overhead)
	}
	if sealed[0] != version1 {
		return nil, fmt.Errorf("secretbox: unknown format version %d", sealed[0])
	}
	plain, err := b.aead.Open(nil, nil, sealed[1:], additionalData(sealed[0], aad))
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// additionalData binds the format version to the caller's aad so that the
// version byte cannot be altered without detection.
func additionalData(version byte, aad []byte) []byte {
	ad := make([]byte, 0, 1+len(aad))
	ad = append(ad, version)
	return append(ad, aad...)
}
