package forge

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestSystemTokenExpiry(t *testing.T) {
	exp := now.Add(4 * time.Hour)
	jwtWith := func(c jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte("atlassian's key, not Remit's"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got, ok := SystemTokenExpiry(jwtWith(jwt.MapClaims{"exp": exp.Unix(), "aud": "ari:cloud:jira::site/x"})); !ok || !got.Equal(exp) {
		t.Fatalf("expiry %v %v, want %v", got, ok, exp)
	}
	for name, tok := range map[string]string{
		"opaque":         "fst-0123456789abcdef",
		"no exp":         jwtWith(jwt.MapClaims{"aud": "x"}),
		"exp not a date": jwtWith(jwt.MapClaims{"exp": "soon"}),
		"empty":          "",
	} {
		if got, ok := SystemTokenExpiry(tok); ok {
			t.Errorf("%s: expiry %v", name, got)
		}
	}
}
