package demohost

import (
	"strings"
	"testing"
)

// TestADFToHTML renders what Remit writes into invoice issues (headings,
// a table, strong text) and checks that text is escaped and only http(s)
// links survive.
func TestADFToHTML(t *testing.T) {
	doc := `{"type":"doc","version":1,"content":[
	  {"type":"heading","attrs":{"level":9},"content":[{"type":"text","text":"Invoice <INV-1>"}]},
	  {"type":"paragraph","content":[{"type":"text","text":"Total","marks":[{"type":"strong"}]},{"type":"text","text":" & tax"},{"type":"hardBreak"},
	    {"type":"text","text":"pay","marks":[{"type":"link","attrs":{"href":"https://pay.example/x?a=1&b=2"}}]},
	    {"type":"text","text":"evil","marks":[{"type":"link","attrs":{"href":"javascript:alert(1)"}}]}]},
	  {"type":"table","content":[
	    {"type":"tableRow","content":[{"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"Issue"}]}]}]},
	    {"type":"tableRow","content":[{"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"<script>x</script>"}]}]}]}]},
	  {"type":"rule"}]}`
	got := string(adfToHTML([]byte(doc)))
	want := `<h6>Invoice &lt;INV-1&gt;</h6>` +
		`<p><strong>Total</strong> &amp; tax<br><a href="https://pay.example/x?a=1&amp;b=2" rel="noopener noreferrer">pay</a>evil</p>` +
		`<table class="adf-table"><tbody><tr><th><p>Issue</p></th></tr><tr><td><p>&lt;script&gt;x&lt;/script&gt;</p></td></tr></tbody></table><hr>`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(got, "javascript:") {
		t.Fatal("a javascript: link survived")
	}
	if adfToHTML(nil) != "" || adfToHTML([]byte("not json")) != "" {
		t.Fatal("empty or broken ADF rendered something")
	}
}
