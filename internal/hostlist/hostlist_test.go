package hostlist

import "testing"

func TestAllows(t *testing.T) {
	jira := MustParse("https://*.atlassian.net, https://*.jira.com,https://*.jira-dev.com")
	gateway := MustParse("https://api.atlassian.com")
	sim := MustParse("http://127.0.0.1:*,https://*.example.net")
	tests := []struct {
		list List
		url  string
		want bool
	}{
		{jira, "https://acme.atlassian.net", true},
		{jira, "https://acme.atlassian.net/", true},
		{jira, "https://ACME.Atlassian.NET", true},
		{jira, "https://a.b.atlassian.net", true},
		{jira, "https://acme.jira.com", true},
		{jira, "https://acme.jira-dev.com", true},
		{jira, "https://acme.atlassian.net:443", true},
		{jira, "https://acme.atlassian.net/wiki", true},
		{jira, "https://atlassian.net", false},
		{jira, "http://acme.atlassian.net", false},
		{jira, "https://acme.atlassian.net:8443", false},
		{jira, "https://acme.atlassian.net.evil.example", false},
		{jira, "https://acmeatlassian.net", false},
		{jira, "https://evil.example/acme.atlassian.net", false},
		{jira, "https://evil.example#.atlassian.net", false},
		{jira, "https://acme.atlassian.net@evil.example", false},
		{jira, "https://user@acme.atlassian.net", false},
		{jira, "https://acme.atlassian.net.", false},
		{jira, "https://127.0.0.1", false},
		{jira, "acme.atlassian.net", false},
		{jira, "//acme.atlassian.net", false},
		{jira, "", false},
		{gateway, "https://api.atlassian.com/ex/jira/cloud-1", true},
		{gateway, "https://api.atlassian.com", true},
		{gateway, "http://api.atlassian.com/ex/jira/cloud-1", false},
		{gateway, "https://x.api.atlassian.com/ex/jira/cloud-1", false},
		{gateway, "https://api.atlassian.com.evil.example/ex/jira/c", false},
		{gateway, "https://evil.example/ex/jira/cloud-1", false},
		{sim, "http://127.0.0.1:41234/sites/a", true},
		{sim, "https://site-1.example.net", true},
		{sim, "http://127.0.0.2:41234", false},
		{sim, "https://127.0.0.1:41234", false},
		{List{}, "https://acme.atlassian.net", false},
	}
	for _, tt := range tests {
		if got := tt.list.Allows(tt.url); got != tt.want {
			t.Errorf("%s allows %q = %v, want %v", tt.list, tt.url, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, bad := range []string{"", " , ", "atlassian.net", "ftp://x.example", "https://*", "https://*.com/", "https://x.example/path",
		"https://u@x.example", "https://x.example:http", "https://x_y.example", "https://*.*.example"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	l, err := Parse(" https://*.atlassian.net ,http://[::1]:* ")
	if err != nil {
		t.Fatal(err)
	}
	if l.String() != "https://*.atlassian.net,http://[::1]:*" {
		t.Errorf("String() = %q", l.String())
	}
	if !l.Allows("http://[::1]:8080/x") {
		t.Error("IPv6 loopback with any port refused")
	}
	if !l.Loopback() || MustParse("http://jira.internal").Loopback() || !MustParse("https://jira.internal").Loopback() {
		t.Error("Loopback misjudged")
	}
}
