// Package secretbox encrypts tenant shared secrets at rest with AES-256-GCM.
//
// A leaked database dump must not let anyone sign requests as Remit or as a
// Jira site, so every shared secret is sealed before it is written. The
// tenant's clientKey is passed as additional authenticated data: a sealed
// secret copied onto another tenant's row fails to open instead of quietly
// letting one site's secret authenticate another.
//
// Sealed layout: 1 version byte, 12-byte random nonce, ciphertext and the
// 16-byte GCM tag. The version byte leaves room for key rotation later.
package secretbox
