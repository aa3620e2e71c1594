package config

import (
	"strings"
	"testing"
	"time"
)

const goodKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // base64 of 32 bytes

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := FromEnv(env("DATABASE_URL", "postgres://localhost/remit", "REMIT_ENCRYPTION_KEY", goodKey), Need{Database: true, Secrets: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":8080" || c.BaseURL.String() != "http://localhost:8080" || c.AppKey != "io.remit.jira" ||
		c.Env != EnvProd || c.Workers != 10 || c.SMTPURL != nil || c.ForgeAppID != "" || len(c.EncryptionKey) != 32 ||
		c.ConnectKeysURL != DefaultConnectKeysURL || c.RetentionDays != 30 || c.RescueStuckAfter != DefaultRescueStuckAfter ||
		c.ClockOffset != 0 || c.MailTenantDailyLimit != 500 || c.APIRate != 20 || c.APIBurst != 40 || c.JiraTenantRate != 25 || c.JiraTenantBurst != 100 || c.OpsListen != ":9090" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestErrors(t *testing.T) {
	base := []string{"DATABASE_URL", "postgres://localhost/remit", "REMIT_ENCRYPTION_KEY", goodKey}
	cases := []struct {
		name string
		kv   []string
		need Need
		want string // substring of the one-line error
	}{
		{"missing database", []string{"REMIT_ENCRYPTION_KEY", goodKey}, Need{Database: true}, "DATABASE_URL is required"},
		{"database not postgres", []string{"DATABASE_URL", "mysql://x", "REMIT_ENCRYPTION_KEY", goodKey}, Need{Database: true}, "postgres:// URL"},
		{"missing key in prod", []string{"DATABASE_URL", "postgres://x/y"}, Need{Database: true, Secrets: true}, "REMIT_ENCRYPTION_KEY is required"},
		{"short key", []string{"REMIT_ENCRYPTION_KEY", "c2hvcnQ="}, Need{}, "32 bytes"},
		{"key not base64", []string{"REMIT_ENCRYPTION_KEY", "!!!"}, Need{}, "not valid base64"},
		{"bad env", append(base, "REMIT_ENV", "staging"), Need{}, "REMIT_ENV must be prod or dev"},
		{"relative base url", append(base, "REMIT_BASE_URL", "/remit"), Need{}, "REMIT_BASE_URL must be an absolute URL"},
		{"http base url in prod", append(base, "REMIT_BASE_URL", "http://remit.example.com"), Need{}, "must use https"},
		{"bad listen", append(base, "REMIT_LISTEN", "8080"), Need{}, "REMIT_LISTEN"},
		{"bad ops listen", append(base, "REMIT_OPS_LISTEN", "9090"), Need{}, "REMIT_OPS_LISTEN must be host:port"},
		{"ops on the public port", append(base, "REMIT_LISTEN", ":8080", "REMIT_OPS_LISTEN", "0.0.0.0:8080"), Need{}, "REMIT_OPS_LISTEN must be another port"},
		{"ops on the default public port", append(base, "REMIT_OPS_LISTEN", ":8080"), Need{}, "REMIT_OPS_LISTEN must be another port"},
		{"workers zero", append(base, "REMIT_WORKERS", "0"), Need{}, "REMIT_WORKERS must be a whole number"},
		{"workers text", append(base, "REMIT_WORKERS", "ten"), Need{}, "REMIT_WORKERS"},
		{"smtp scheme", append(base, "REMIT_SMTP_URL", "http://mail:25", "REMIT_MAIL_FROM", "a@b.c"), Need{}, "smtp:// or smtps://"},
		{"smtp without from", append(base, "REMIT_SMTP_URL", "smtp://mail:25"), Need{}, "REMIT_MAIL_FROM is required"},
		{"smtp without port", append(base, "REMIT_SMTP_URL", "smtp://mail", "REMIT_MAIL_FROM", "a@b.c"), Need{}, "port"},
		{"forge app id", append(base, "REMIT_FORGE_APP_ID", "my-app"), Need{}, "ari:cloud:ecosystem::app/"},
		{"long app key", append(base, "REMIT_APP_KEY", strings.Repeat("k", 65)), Need{}, "at most 64"},
		{"rescue not a duration", append(base, "REMIT_RESCUE_STUCK_AFTER", "30"), Need{}, "REMIT_RESCUE_STUCK_AFTER must be a duration"},
		{"rescue too short", append(base, "REMIT_RESCUE_STUCK_AFTER", "500ms"), Need{}, "REMIT_RESCUE_STUCK_AFTER"},
		{"keys url", append(base, "REMIT_CONNECT_KEYS_URL", "keys"), Need{}, "REMIT_CONNECT_KEYS_URL must be an absolute URL"},
		{"clock offset in prod", append(base, "REMIT_CLOCK_OFFSET", "720h"), Need{}, "REMIT_CLOCK_OFFSET is for dev and the demo only"},
		{"clock offset not a duration", append(base, "REMIT_ENV", "dev", "REMIT_CLOCK_OFFSET", "30d"), Need{}, "REMIT_CLOCK_OFFSET must be a Go duration"},
		{"mail limit zero", append(base, "REMIT_MAIL_TENANT_DAILY_LIMIT", "0"), Need{}, "REMIT_MAIL_TENANT_DAILY_LIMIT must be a whole number"},
		{"api rate zero", append(base, "REMIT_API_RATE", "0"), Need{}, "REMIT_API_RATE must be a number"},
		{"api burst text", append(base, "REMIT_API_BURST", "lots"), Need{}, "REMIT_API_BURST must be a whole number"},
		{"jira tenant rate negative", append(base, "REMIT_JIRA_TENANT_RATE", "-1"), Need{}, "REMIT_JIRA_TENANT_RATE must be a number"},
		{"jira tenant burst zero", append(base, "REMIT_JIRA_TENANT_BURST", "0"), Need{}, "REMIT_JIRA_TENANT_BURST must be a whole number"},
		{"jira hosts without scheme", append(base, "REMIT_JIRA_HOSTS", "*.atlassian.net"), Need{}, "REMIT_JIRA_HOSTS"},
		{"jira hosts with a path", append(base, "REMIT_JIRA_HOSTS", "https://jira.example/x"), Need{}, "REMIT_JIRA_HOSTS"},
		{"jira hosts over http in prod", append(base, "REMIT_JIRA_HOSTS", "http://jira.example"), Need{}, "REMIT_JIRA_HOSTS may use http only for loopback"},
		{"forge api hosts", append(base, "REMIT_FORGE_API_HOSTS", "api.atlassian.com"), Need{}, "REMIT_FORGE_API_HOSTS"},
		{"trusted proxies not a cidr", append(base, "REMIT_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal"), Need{}, `REMIT_TRUSTED_PROXIES must be comma-separated CIDRs such as 10.0.0.0/8,fd00::/8, got "proxy.internal"`},
		{"trusted proxies bad mask", append(base, "REMIT_TRUSTED_PROXIES", "10.0.0.0/33"), Need{}, "REMIT_TRUSTED_PROXIES must be comma-separated CIDRs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromEnv(env(tc.kv...), tc.need)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error must be one line: %q", err)
			}
		})
	}
}

func TestDevAllowsMissingKeyAndHTTP(t *testing.T) {
	c, err := FromEnv(env("REMIT_ENV", "dev", "DATABASE_URL", "postgres://x/y", "REMIT_BASE_URL", "http://10.0.0.5:8080/remit/"), Need{Database: true, Secrets: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.EncryptionKey != nil || c.BaseURL.Path != "/remit" {
		t.Fatalf("got key %v, base path %q", c.EncryptionKey, c.BaseURL.Path)
	}
	if _, err := FromEnv(env("REMIT_ENV", "dev", "REMIT_BASE_URL", "http://10.0.0.5:8080"), Need{}); err != nil {
		t.Fatal(err)
	}
}

func TestSMTP(t *testing.T) {
	c, err := FromEnv(env("REMIT_ENCRYPTION_KEY", goodKey, "REMIT_SMTP_URL", "smtps://u:p@mail.example.com:465", "REMIT_MAIL_FROM", "billing@example.com"), Need{Secrets: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPURL.Host != "mail.example.com:465" || c.SMTPURL.User.Username() != "u" {
		t.Fatalf("smtp = %v", c.SMTPURL)
	}
}

func TestRescueStuckAfter(t *testing.T) {
	c, err := FromEnv(env("REMIT_RESCUE_STUCK_AFTER", "45s"), Need{})
	if err != nil {
		t.Fatal(err)
	}
	if c.RescueStuckAfter != 45*time.Second {
		t.Fatalf("RescueStuckAfter = %v, want 45s", c.RescueStuckAfter)
	}
}

func TestClockOffsetInDev(t *testing.T) {
	c, err := FromEnv(env("REMIT_ENV", "dev", "REMIT_CLOCK_OFFSET", "-36h"), Need{})
	if err != nil {
		t.Fatal(err)
	}
	if c.ClockOffset != -36*time.Hour {
		t.Fatalf("offset %v, want -36h", c.ClockOffset)
	}
}

func TestHostAllowLists(t *testing.T) {
	c, err := FromEnv(env(), Need{})
	if err != nil {
		t.Fatal(err)
	}
	for url, want := range map[string]bool{
		"https://acme.atlassian.net": true, "https://acme.jira.com": true, "https://acme.jira-dev.com": true,
		"https://jira.acme.com": false, "http://127.0.0.1:2990": false,
	} {
		if c.JiraHosts.Allows(url) != want {
			t.Errorf("default REMIT_JIRA_HOSTS allows %s = %v, want %v", url, !want, want)
		}
	}
	if !c.ForgeAPIHosts.Allows("https://api.atlassian.com/ex/jira/c1") || c.ForgeAPIHosts.Allows("https://api.example.com/ex/jira/c1") {
		t.Errorf("default REMIT_FORGE_API_HOSTS = %s", c.ForgeAPIHosts)
	}
	// A local simulator over http is fine, even in prod, on loopback.
	c, err = FromEnv(env("REMIT_JIRA_HOSTS", "http://127.0.0.1:*", "REMIT_FORGE_API_HOSTS", "http://127.0.0.1:*"), Need{})
	if err != nil {
		t.Fatal(err)
	}
	if !c.JiraHosts.Allows("http://127.0.0.1:2990/jira") || c.JiraHosts.Allows("https://acme.atlassian.net") || !c.ForgeAPIHosts.Allows("http://127.0.0.1:2990/ex/jira/c1") {
		t.Errorf("configured lists: %s and %s", c.JiraHosts, c.ForgeAPIHosts)
	}
}

func TestOpsListen(t *testing.T) {
	for _, ok := range [][2]string{{":8080", "127.0.0.1:9090"}, {"127.0.0.1:8080", "127.0.0.2:8080"}, {"127.0.0.1:0", "127.0.0.1:0"}} {
		c, err := FromEnv(env("REMIT_LISTEN", ok[0], "REMIT_OPS_LISTEN", ok[1]), Need{})
		if err != nil || c.OpsListen != ok[1] {
			t.Errorf("REMIT_LISTEN=%s REMIT_OPS_LISTEN=%s: %q %v", ok[0], ok[1], c.OpsListen, err)
		}
	}
}

func TestStripe(t *testing.T) {
	base := []string{"DATABASE_URL", "postgres://localhost/remit", "REMIT_ENCRYPTION_KEY", goodKey}
	c, err := FromEnv(env(base...), Need{})
	if err != nil || c.Stripe.On() || c.Stripe != (Stripe{}) {
		t.Fatalf("without a key card payments must be off: %+v, %v", c.Stripe, err)
	}
	on := append(base, "REMIT_STRIPE_SECRET_KEY", "sk_test_123", "REMIT_STRIPE_WEBHOOK_SECRET", "whsec_abc")
	c, err = FromEnv(env(append(on, "REMIT_STRIPE_API_URL", "http://127.0.0.1:12111/")...), Need{})
	if err != nil || !c.Stripe.On() || c.Stripe.APIURL != "http://127.0.0.1:12111" || c.Stripe.WebhookSecret != "whsec_abc" {
		t.Fatalf("Stripe = %+v, %v", c.Stripe, err)
	}
	if c, err = FromEnv(env(append(on, "REMIT_ENV", "dev", "REMIT_STRIPE_API_URL", "http://stripe-mock:12111")...), Need{}); err != nil ||
		c.Stripe.APIURL != "http://stripe-mock:12111" {
		t.Fatalf("dev may name any stripe-mock: %+v, %v", c.Stripe, err)
	}
	for _, tc := range []struct {
		name string
		kv   []string
		want string
	}{
		{"secret without key", []string{"REMIT_STRIPE_WEBHOOK_SECRET", "whsec_abc"}, "need REMIT_STRIPE_SECRET_KEY"},
		{"publishable key", []string{"REMIT_STRIPE_SECRET_KEY", "pk_test_1", "REMIT_STRIPE_WEBHOOK_SECRET", "whsec_abc"}, "sk_"},
		{"key without secret", []string{"REMIT_STRIPE_SECRET_KEY", "sk_test_1"}, "REMIT_STRIPE_WEBHOOK_SECRET is required"},
		{"secret not whsec", []string{"REMIT_STRIPE_SECRET_KEY", "sk_test_1", "REMIT_STRIPE_WEBHOOK_SECRET", "abc"}, "whsec_"},
		{"api url elsewhere in prod", append(on[4:], "REMIT_STRIPE_API_URL", "https://api.example.com"), "loopback"},
		{"relative api url", append(on[4:], "REMIT_STRIPE_API_URL", "/v1"), "REMIT_STRIPE_API_URL must be an absolute URL"},
	} {
		_, err := FromEnv(env(append(append([]string{}, base...), tc.kv...)...), Need{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestJiraTenantBudget(t *testing.T) {
	c, err := FromEnv(env("REMIT_ENCRYPTION_KEY", goodKey, "REMIT_JIRA_TENANT_RATE", "12.5", "REMIT_JIRA_TENANT_BURST", "30"), Need{})
	if err != nil {
		t.Fatal(err)
	}
	if c.JiraTenantRate != 12.5 || c.JiraTenantBurst != 30 {
		t.Fatalf("budget %v/s burst %d, want 12.5/s burst 30", c.JiraTenantRate, c.JiraTenantBurst)
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := FromEnv(env("REMIT_ENCRYPTION_KEY", goodKey), Need{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 0 {
		t.Fatalf("trusted proxies by default: %v", c.TrustedProxies)
	}
	c, err = FromEnv(env("REMIT_ENCRYPTION_KEY", goodKey, "REMIT_TRUSTED_PROXIES", " 10.1.2.3/8, 192.0.2.7 ,fd00::/8,::ffff:198.51.100.0/120"), Need{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	if want := "10.0.0.0/8 192.0.2.7/32 fd00::/8 198.51.100.0/24"; strings.Join(got, " ") != want {
		t.Fatalf("trusted proxies %v, want %s", got, want)
	}
}
