package httpapi

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// The client address of a request, for the limits keyed on it. Anyone can
// write X-Forwarded-For, so it counts only when the connection comes from
// a proxy the operator trusts (REMIT_TRUSTED_PROXIES): each trusted proxy
// appends the address it saw, so reading the header from the right, the
// first address that is not a trusted proxy's is the one the outermost
// trusted proxy saw: the client's. What a client wrote further left is
// never read. Without trusted proxies the header is ignored.

// TrustedProxies are the networks whose connections' X-Forwarded-For
// Remit believes (REMIT_TRUSTED_PROXIES); empty trusts none.
type TrustedProxies []netip.Prefix

// trusts reports whether a is inside one of the networks.
func (p TrustedProxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, n := range p {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddress is the address the request comes from: the connection's,
// or, when the connection is a trusted proxy's, the right-most address of
// X-Forwarded-For that is not a trusted proxy's (the left-most when all
// are). A malformed entry met before that address makes the header
// unusable: the connection's address is the answer, so a broken chain
// shares the proxy's bucket rather than choosing one.
func clientAddress(r *http.Request, proxies TrustedProxies) string {
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	if len(proxies) == 0 || !proxies.trusts(peer) {
		return peer.String()
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseAddr(hops[i])
		if !ok {
			return peer.String()
		}
		client = a
		if !proxies.trusts(a) {
			break
		}
	}
	return client.String()
}

// parseAddr reads an address as a connection or a forwarded header gives
// it: with or without a port, IPv6 with or without brackets; IPv4 mapped
// into IPv6 is IPv4.
func parseAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
