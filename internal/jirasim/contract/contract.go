// Package contract holds Jira Cloud's REST API to Atlassian's published
// OpenAPI document (kept outside the repository, at
// ../shared/atlassian/jira-platform-openapi-v3.json from its root) for
// tests: the routes the simulator serves, the requests Remit's Jira
// client sends and the simulator's answers to them must each match a
// documented operation. Where our reading of Jira and the document
// differ, the document wins; docs/jira-rest-conformance.md lists the
// deliberate exceptions.
package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// File is the document's path relative to the repository root.
const File = "../shared/atlassian/jira-platform-openapi-v3.json"

// Spec is the loaded document with its path templates.
type Spec struct {
	doc       *openapi3.T
	templates []template
}

type template struct {
	path string
	segs []string
	item *openapi3.PathItem
}

var loaded struct {
	once sync.Once
	spec *Spec
	err  error
}

// Load reads the document once per test binary. It is found from the
// working directory: the nearest directory above it with a go.mod is the
// repository root.
func Load() (*Spec, error) {
	loaded.once.Do(func() { loaded.spec, loaded.err = load() })
	return loaded.spec, loaded.err
}

// MustLoad is Load for tests: without the document the test fails (it
// never skips, so a missing contract cannot pass unnoticed).
func MustLoad(tb testing.TB) *Spec {
	tb.Helper()
	s, err := Load()
	if err != nil {
		tb.Fatalf("Jira's OpenAPI document: %v", err)
	}
	return s
}

// jiraDateTime is how Jira writes instants on the wire, with no colon in
// the offset (2021-01-17T12:34:00.000+0000), as every example in the
// document does. The document calls them "date-time", which strictly
// means RFC 3339; both forms are accepted.
var jiraDateTime = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})$`)

func load() (*Spec, error) {
	openapi3.DefineStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(v string) error {
		if !jiraDateTime.MatchString(v) {
			return fmt.Errorf("not a date-time as Jira writes them")
		}
		return nil
	}))
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(filepath.Join(root, filepath.FromSlash(File)))
	if err != nil {
		return nil, err
	}
	permitNullWhereUntyped(doc)
	s := &Spec{doc: doc}
	for path, item := range doc.Paths.Map() {
		s.templates = append(s.templates, template{path: path, segs: strings.Split(path, "/"), item: item})
	}
	slices.SortFunc(s.templates, func(a, b template) int { return strings.Compare(a.path, b.path) })
	return s, nil
}

// permitNullWhereUntyped reads the document as OpenAPI 3.0.3 defines
// nullable: it adds null to the types a schema names, so a schema that
// names none (such as {}, the value of an issue's fields map) already
// allows null. kin-openapi refuses null there unless nullable is set, and
// Jira answers null for every empty field.
func permitNullWhereUntyped(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.Type == nil || len(*s.Type) == 0 {
			s.Nullable = true
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		walk(s.Not)
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range list {
				walk(r)
			}
		}
	}
	for _, r := range doc.Components.Schemas {
		walk(r)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			for _, r := range op.Responses.Map() {
				if r.Value != nil {
					for _, mt := range r.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Operation is one documented operation a request or a route maps to.
type Operation struct {
	Method string
	Path   string // the document's template, e.g. /rest/api/3/issue/{issueIdOrKey}
	params map[string]string
	item   *openapi3.PathItem
	op     *openapi3.Operation
}

// Find returns the operation documented for method and a site-relative
// path (unescaped, e.g. /rest/api/3/issue/BILL-1). REST v2 serves the
// same operations as v3 (only rich text differs), so a v2 path is found
// as its v3 twin. When several templates match, the one with more literal
// segments, the earliest first, wins, as Jira's router decides.
func (s *Spec) Find(method, path string) (*Operation, error) {
	path = asV3(path)
	segs := strings.Split(path, "/")
	var best *template
	var bestScore []bool
	for i := range s.templates {
		t := &s.templates[i]
		score, ok := t.match(segs, false)
		if !ok || t.item.GetOperation(method) == nil {
			continue
		}
		if best == nil || moreLiteral(score, bestScore) {
			best, bestScore = t, score
		}
	}
	if best == nil {
		if s.anyMethod(segs) {
			return nil, fmt.Errorf("%s %s: the document has the path but not the method", method, path)
		}
		return nil, fmt.Errorf("%s %s: no documented operation", method, path)
	}
	params := map[string]string{}
	for i, seg := range best.segs {
		if isParam(seg) {
			params[strings.Trim(seg, "{}")] = segs[i]
		}
	}
	return &Operation{Method: method, Path: best.path, params: params, item: best.item, op: best.item.GetOperation(method)}, nil
}

func (s *Spec) anyMethod(segs []string) bool {
	for i := range s.templates {
		if _, ok := s.templates[i].match(segs, false); ok {
			return true
		}
	}
	return false
}

// FindTemplate returns the documented template a route template serves:
// each of the route's {parameters} must be a parameter of the document's
// template (names may differ) and each literal segment the same literal.
// It is how a server's routes are checked, where Find checks requests.
func (s *Spec) FindTemplate(method, route string) (string, error) {
	segs := strings.Split(asV3(route), "/")
	var found []string
	for i := range s.templates {
		t := &s.templates[i]
		if _, ok := t.match(segs, true); ok && t.item.GetOperation(method) != nil {
			found = append(found, t.path)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("%s %s: no documented operation", method, route)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("%s %s: matches several documented operations %v", method, route, found)
}

// match reports whether segs fit the template; score marks its literal
// segments. With templ, segs is itself a template and its parameters
// must meet parameters.
func (t *template) match(segs []string, templ bool) ([]bool, bool) {
	if len(segs) != len(t.segs) {
		return nil, false
	}
	score := make([]bool, len(segs))
	for i, seg := range t.segs {
		switch {
		case isParam(seg):
			if segs[i] == "" || (templ && !isParam(segs[i])) {
				return nil, false
			}
		case seg != segs[i]:
			return nil, false
		default:
			score[i] = true
		}
	}
	return score, true
}

func moreLiteral(a, b []bool) bool {
	na, nb := 0, 0
	for i := range a {
		if a[i] {
			na++
		}
		if b[i] {
			nb++
		}
	}
	if na != nb {
		return na > nb
	}
	for i := range a {
		if a[i] != b[i] {
			return a[i]
		}
	}
	return false
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

func asV3(path string) string {
	for _, v := range []string{"/rest/api/2/", "/rest/api/latest/", "/rest/api/{ver}/"} {
		if rest, ok := strings.CutPrefix(path, v); ok {
			return "/rest/api/3/" + rest
		}
	}
	return path
}

// Exchange is one request and the answer to it. Status 0 means there is
// no answer to check (a request seen by a stand-in that answers with
// canned bodies).
type Exchange struct {
	Method       string
	Path         string // site-relative, unescaped
	Query        string // raw query string
	RequestType  string
	RequestBody  []byte
	Status       int
	ResponseType string
	ResponseBody []byte
}

// shortSchemaError names where a value breaks the schema and why,
// without kin-openapi's dump of the whole schema.
func shortSchemaError(err *openapi3.SchemaError) string {
	return fmt.Sprintf("at /%s: %s", strings.Join(err.JSONPointer(), "/"), err.Reason)
}

// noBody reports an answer without a body where the document allows
// one: a 204, or a status the document gives the empty schema {} (its
// way of writing "no body", as for POST /issueLink's 201).
func noBody(op *openapi3.Operation, x Exchange) bool {
	if len(bytes.TrimSpace(x.ResponseBody)) > 0 {
		return false
	}
	if x.Status == http.StatusNoContent {
		return true
	}
	r := op.Responses.Status(x.Status)
	if r == nil || r.Value == nil {
		return false
	}
	for _, mt := range r.Value.Content {
		if mt.Schema == nil || mt.Schema.Value == nil {
			continue
		}
		s := *mt.Schema.Value
		s.Nullable = false // set by permitNullWhereUntyped
		if !s.IsEmpty() {
			return false
		}
	}
	return true
}

func (x Exchange) String() string {
	s := x.Method + " " + x.Path
	if x.Query != "" {
		s += "?" + x.Query
	}
	return s
}

// Check holds x to the document: the request matches an operation, uses
// only its declared query parameters and satisfies its parameter and
// request body schemas; the answer's status is documented for the
// operation and its body satisfies that response's schema.
//
// A v2 request is checked for its operation and query only: the document
// describes v3 bodies, and v2 differs exactly there (strings for rich
// text).
func (s *Spec) Check(x Exchange) error {
	op, err := s.Find(x.Method, x.Path)
	if err != nil {
		return err
	}
	v2 := strings.HasPrefix(x.Path, "/rest/api/2/")
	query, err := url.ParseQuery(x.Query)
	if err != nil {
		return fmt.Errorf("%s: query: %w", x, err)
	}
	declared := map[string]bool{}
	for _, params := range []openapi3.Parameters{op.item.Parameters, op.op.Parameters} {
		for _, p := range params {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	var undeclared []string
	for name := range query {
		if !declared[name] {
			undeclared = append(undeclared, name)
		}
	}
	if len(undeclared) > 0 {
		slices.Sort(undeclared)
		return fmt.Errorf("%s: query parameters %v are not declared by %s %s", x, undeclared, op.Method, op.Path)
	}

	req, err := http.NewRequest(x.Method, "https://jira.invalid"+(&url.URL{Path: x.Path}).EscapedPath()+"?"+x.Query, bytes.NewReader(x.RequestBody))
	if err != nil {
		return err
	}
	if x.RequestType != "" {
		req.Header.Set("Content-Type", x.RequestType)
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: op.params,
		Route:      &routers.Route{Spec: s.doc, Path: op.Path, PathItem: op.item, Method: x.Method, Operation: op.op},
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			ExcludeRequestBody: v2, MultiError: true, SkipSettingDefaults: true},
	}
	in.Options.WithCustomSchemaErrorFunc(shortSchemaError)
	ctx := context.Background()
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return fmt.Errorf("%s: request does not match %s %s: %w", x, op.Method, op.Path, err)
	}
	if x.Status == 0 {
		return nil
	}
	header := http.Header{}
	if x.ResponseType != "" {
		header.Set("Content-Type", x.ResponseType)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 x.Status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(x.ResponseBody)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, ExcludeResponseBody: v2 || noBody(op.op, x),
			MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	out.Options.WithCustomSchemaErrorFunc(shortSchemaError)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return fmt.Errorf("%s: answer %d does not match %s %s: %w", x, x.Status, op.Method, op.Path, err)
	}
	return nil
}
