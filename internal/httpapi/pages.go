package httpapi

import (
	"bytes"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// pageTitles are the iframe pages the descriptor points at, by the name
// their bundle has in the Vite build.
var pageTitles = map[string]string{
	"issue-panel": "Remit",
	"project":     "Invoices",
	"admin":       "Remit settings",
	"get-started": "Get started with Remit",
}

// pages serves the iframe entry pages: a small HTML shell per page that
// loads the Connect JS API and the page's bundle.
type pages struct {
	s       *Server
	bundles map[string]bundle
	missing error // errNoBundle or a broken manifest: every page says so
	// firstPaint is the issue panel's first-paint script, inlined into
	// the panel's page when it carries an answer; zero when not built.
	firstPaint inlineScript
}

// pageRoutes registers the iframe pages (request tokens, as Jira signs
// iframe URLs) and the public static assets.
func (s *Server) pageRoutes(e *echo.Echo) {
	p := &pages{s: s}
	p.bundles, p.missing = readBundles(s.deps.Assets)
	if p.missing != nil {
		s.deps.Logger.Warn("iframe pages unavailable", slog.String("reason", p.missing.Error()))
	} else if fp, err := readInlineScript(s.deps.Assets, firstPaintScript); err != nil {
		s.deps.Logger.Warn("issue panel first paint unavailable", slog.String("reason", err.Error()))
	} else {
		p.firstPaint = fp
	}
	for name := range pageTitles {
		e.GET("/pages/"+name, p.serve(name))
	}
	e.GET("/static/*", s.static)
}

// serve verifies the page-load token and answers the page's HTML shell
// with a CSP that lets only the tenant's site frame it.
func (p *pages) serve(name string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		tenant, claims, err := p.s.deps.Requests.Verify(ctx, c.Request(), connect.RequestToken)
		if err != nil {
			if remit.KindOf(err) == remit.Internal {
				return err
			}
			p.s.logRefusal(c, surfacePage, err)
			return errorPage(c, http.StatusUnauthorized, "This page must be opened from Jira",
				"Remit could not verify this page load. Reload the page in Jira.")
		}
		c.Set(ctxTenant, tenant)
		p.recordLicence(c, tenant, licence(c.QueryParam("lic")))
		b, ok := p.bundles[name]
		if p.missing != nil || !ok {
			reason := errNoBundle
			if p.missing != nil {
				reason = p.missing
			}
			return errorPage(c, http.StatusServiceUnavailable, "Remit's pages are not built", reason.Error())
		}
		q := c.Request().URL.Query()
		shell := pageShell{
			Title:      pageTitles[name],
			ConnectJS:  p.s.deps.ConnectJSURL,
			Static:     strings.TrimSuffix(p.s.deps.BaseURL.Path, "/") + "/static/",
			Bundle:     b,
			Page:       name,
			IssueKey:   q.Get("issueKey"),
			ProjectKey: q.Get("projectKey"),
			Licence:    licence(q.Get("lic")),
			Timezone:   p.timezone(c, tenant),
			SiteURL:    tenant.LinkURL(),
			Now:        p.s.deps.Now().UTC().Format(time.RFC3339),
			Initial:    p.initialAnswer(c, name, billing.Actor{Tenant: tenant, AccountID: claims.Subject}, q.Get("issueKey")),
		}
		var inline []inlineScript
		if name == "issue-panel" && shell.Initial != nil && p.firstPaint.Code != "" {
			shell.FirstPaint = p.firstPaint.Code
			inline = append(inline, p.firstPaint)
		}
		var buf bytes.Buffer
		if err := shellTemplate.Execute(&buf, shell); err != nil {
			return err
		}
		c.Response().Header().Set("Content-Security-Policy", pageCSP(p.s.deps.ConnectJSURL, tenant, inline...))
		// The page carries the user's data and a one-off token in its URL.
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.HTMLBlob(http.StatusOK, buf.Bytes())
	}
}

// timezone is the tenant's zone, so the page shows instants the way the
// tenant's invoices count days; the default zone when nothing is saved.
func (p *pages) timezone(c echo.Context, t remit.Tenant) string {
	if p.s.deps.Billing == nil || p.s.deps.Billing.DB == nil {
		return invoice.DefaultTimezone
	}
	set, ok, err := p.s.deps.Billing.DB.GetSettings(c.Request().Context(), t.ClientKey)
	if err != nil || !ok || set.Timezone == "" {
		return invoice.DefaultTimezone
	}
	return set.Timezone
}

// recordLicence keeps the licence state the page load carried, which
// pauses the follow-up engine for an unlicensed tenant; a failure to
// record it is logged and does not stop the page.
func (p *pages) recordLicence(c echo.Context, t remit.Tenant, lic string) {
	if lic == "" || p.s.deps.Billing == nil || p.s.deps.Billing.DB == nil {
		return
	}
	if err := p.s.deps.Billing.DB.RecordLicence(c.Request().Context(), t.ClientKey, lic); err != nil {
		p.s.deps.Logger.WarnContext(c.Request().Context(), "licence state not recorded", slog.String("request_id", requestID(c)),
			slog.String("client_key", t.ClientKey), slog.String("error", err.Error()))
	}
}

// licence keeps the lic parameter Jira adds when the descriptor enables
// licensing: "active", "none", or "" when Jira sent none (development).
func licence(v string) string {
	switch v {
	case "active", "none":
		return v
	}
	return ""
}

// pageCSP allows scripts only from Remit, the Connect JS API and the
// page's own inline scripts (by hash), calls only to Remit, and framing
// only by the tenant's own site.
func pageCSP(connectJS string, t remit.Tenant, inline ...inlineScript) string {
	ancestors := []string{}
	for _, u := range []string{t.BaseURL, t.DisplayURL} {
		if o := origin(u); o != "" && !contains(ancestors, o) {
			ancestors = append(ancestors, o)
		}
	}
	if len(ancestors) == 0 {
		ancestors = []string{"'none'"}
	}
	scripts := "'self'"
	if o := origin(connectJS); o != "" {
		scripts += " " + o
	}
	for _, in := range inline {
		scripts += " '" + in.Hash + "'"
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src " + scripts,
		// Atlaskit components and design tokens inject their styles at run time.
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: blob:",
		"font-src 'self' data:",
		"connect-src 'self'",
		"frame-ancestors " + strings.Join(ancestors, " "),
		"base-uri 'none'",
		"form-action 'none'",
		"object-src 'none'",
	}, "; ")
}

// origin is scheme://host[:port] of u, or "" when u is not an absolute
// http(s) URL. frame-ancestors compares origins only, so a site's context
// path must not appear in the policy.
func origin(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	return p.Scheme + "://" + p.Host
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// static serves the embedded build under /static/. Hashed files in
// assets/ never change, so browsers may keep them for a year; anything
// else is cached briefly. Directories and dot-files are not served.
func (s *Server) static(c echo.Context) error {
	name := strings.TrimPrefix(c.Param("*"), "/")
	if s.deps.Assets == nil || name == "" || strings.HasSuffix(name, "/") || !fs.ValidPath(name) ||
		strings.HasPrefix(name, ".") || strings.Contains(name, "/.") {
		return remit.Errorf(remit.NotFound, "static", "no such file")
	}
	st, err := fs.Stat(s.deps.Assets, name)
	if err != nil || st.IsDir() {
		return remit.Errorf(remit.NotFound, "static", "no such file")
	}
	h := c.Response().Header()
	if strings.HasPrefix(name, "assets/") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	// The pages' CSP does not cover the assets; this keeps an SVG opened
	// on its own from running anything.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	h.Add("Vary", "Accept-Encoding")
	if acceptsGzip(c.Request()) {
		// The build writes a .gz beside every script and stylesheet.
		if f, err := s.deps.Assets.Open(name + ".gz"); err == nil {
			defer f.Close()
			if rs, ok := f.(io.ReadSeeker); ok {
				if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
					h.Set(echo.HeaderContentType, ct)
				}
				h.Set("Content-Encoding", "gzip")
				http.ServeContent(c.Response(), c.Request(), name, st.ModTime(), rs)
				return nil
			}
		}
	}
	http.ServeFileFS(c.Response(), c.Request(), s.deps.Assets, name)
	return nil
}

// acceptsGzip reports whether the client takes gzip-encoded answers.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
