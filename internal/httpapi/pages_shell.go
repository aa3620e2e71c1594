package httpapi

import (
	"html/template"
	"net/http"

	"github.com/labstack/echo/v4"
)

// pageShell is what the HTML shell of an iframe page is rendered from.
// The context Jira put in the iframe URL travels to the bundle in data
// attributes of the root element, escaped by html/template.
type pageShell struct {
	Title      string
	ConnectJS  string
	Static     string
	Bundle     bundle
	Page       string
	IssueKey   string
	ProjectKey string
	Licence    string
	Timezone   string
	SiteURL    string
	// Now is Remit's clock at render time (RFC 3339): the page's dates
	// (today, default periods) follow Remit's one clock, not the browser's.
	Now string
	// Initial is the page's first API answer, when the server could
	// compute it (see initialAnswer); html/template writes it as JSON
	// that cannot end the script element.
	Initial any
	// FirstPaint is the issue panel's first-paint script, run right
	// after the root element so the summary shows before the bundle.
	FirstPaint template.JS
}

// The html attributes select Jira's light theme in the bundle's token
// stylesheet (frontend/src/theme.ts), so the first paint has it.
var shellTemplate = template.Must(template.New("shell").Parse(`<!doctype html>
<html lang="en" data-color-mode="light" data-theme="light:light dark:dark shape:shape spacing:spacing typography:typography">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
{{range .Bundle.Styles}}<link rel="stylesheet" href="{{$.Static}}{{.}}">
{{end}}<script defer src="{{.ConnectJS}}" data-options="resize:false;margin:false"></script>
{{range .Bundle.Preloads}}<link rel="modulepreload" href="{{$.Static}}{{.}}">
{{end}}<script type="module" src="{{.Static}}{{.Bundle.Script}}"></script>
</head>
<body>
{{with .Initial}}<script type="application/json" id="remit-initial">{{.}}</script>
{{end}}<div id="remit-root" data-page="{{.Page}}" data-issue-key="{{.IssueKey}}" data-project-key="{{.ProjectKey}}" data-lic="{{.Licence}}" data-timezone="{{.Timezone}}" data-site-url="{{.SiteURL}}" data-now="{{.Now}}"></div>
{{with .FirstPaint}}<script>{{.}}</script>
{{end}}</body>
</html>
`))

var errorTemplate = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font:14px/20px -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;color:#172B4D;margin:16px}h1{font-size:16px;margin:0 0 8px}p{margin:0;color:#44546F}</style>
</head>
<body><h1>{{.Title}}</h1><p>{{.Detail}}</p></body>
</html>
`))

// errorPage answers a page load that cannot show the page with a short
// HTML explanation, which reads better inside Jira than a JSON problem.
func errorPage(c echo.Context, status int, title, detail string) error {
	c.Response().Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	return errorTemplate.Execute(c.Response(), struct{ Title, Detail string }{title, detail})
}
