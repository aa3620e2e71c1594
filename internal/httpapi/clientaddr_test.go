package httpapi

import (
	"net/http"
	"net/netip"
	"testing"
)

func TestClientAddress(t *testing.T) {
	proxies := TrustedProxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		name    string
		proxies TrustedProxies
		peer    string
		xff     []string
		want    string
	}{
		{"no header", proxies, "203.0.113.9:5000", nil, "203.0.113.9"},
		{"no trusted proxies: the header is ignored", nil, "10.0.0.1:5000", []string{"198.51.100.1"}, "10.0.0.1"},
		{"spoofed header from an untrusted peer is ignored", proxies, "203.0.113.9:5000", []string{"198.51.100.1, 10.0.0.7"}, "203.0.113.9"},
		{"one trusted proxy", proxies, "10.0.0.1:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"chain through two trusted proxies", proxies, "10.0.0.1:5000", []string{"198.51.100.1, 10.0.0.2"}, "198.51.100.1"},
		{"what the client wrote left of its address is not read", proxies, "10.0.0.1:5000", []string{"192.0.2.66, 198.51.100.1, 10.0.0.2"}, "198.51.100.1"},
		{"a client claiming to be a proxy gets past nothing", proxies, "10.0.0.1:5000", []string{"10.9.9.9, 198.51.100.1"}, "198.51.100.1"},
		{"the header over several lines", proxies, "10.0.0.1:5000", []string{"192.0.2.66", "198.51.100.1", "10.0.0.2"}, "198.51.100.1"},
		{"every hop a proxy: the left-most", proxies, "10.0.0.1:5000", []string{"10.0.0.3, 10.0.0.2"}, "10.0.0.3"},
		{"IPv6 peer and client", proxies, "[fd00::1]:5000", []string{"2001:db8::5"}, "2001:db8::5"},
		{"ports and brackets in the header", proxies, "10.0.0.1:5000", []string{"[2001:db8::5]:443, 198.51.100.1:80"}, "198.51.100.1"},
		{"IPv4 mapped into IPv6", proxies, "[::ffff:10.0.0.1]:5000", []string{"::ffff:198.51.100.1"}, "198.51.100.1"},
		{"malformed header: the proxy's address", proxies, "10.0.0.1:5000", []string{"not-an-address"}, "10.0.0.1"},
		{"malformed entry before the client: the proxy's address", proxies, "10.0.0.1:5000", []string{"198.51.100.1, , 10.0.0.2"}, "10.0.0.1"},
		{"malformed entry left of the client is not read", proxies, "10.0.0.1:5000", []string{"<script>, 198.51.100.1"}, "198.51.100.1"},
		{"empty header from a proxy", proxies, "10.0.0.1:5000", []string{""}, "10.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: tt.peer, Header: http.Header{}}
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientAddress(r, tt.proxies); got != tt.want {
				t.Fatalf("client address %q, want %q", got, tt.want)
			}
		})
	}
}
