package money

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoFloatOnTheMoneyPath parses every non-test Go file of the packages
// that compute, store or serialise money and fails on any float32 or
// float64 (a type, a conversion, or a strconv/math float helper): amounts
// are decimals from the API's strings to PostgreSQL's numeric and back.
func TestNoFloatOnTheMoneyPath(t *testing.T) {
	// internal/invoicepdf is left out: it uses floats for page geometry
	// (fpdf's API) and receives amounts only as money.Format strings.
	// Of the HTTP edge, the API handlers and their decoding (metrics use floats).
	globs := []string{"*.go", "../invoice/*.go", "../billing/*.go", "../store/*.go", "../jirasync/*.go", "../httpapi/api*.go", "../httpapi/decode.go"}
	checked := 0
	for _, glob := range globs {
		files, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, f, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			ast.Inspect(file, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.Ident:
					if x.Name == "float64" || x.Name == "float32" {
						t.Errorf("%s: %s on the money path", fset.Position(x.Pos()), x.Name)
					}
				case *ast.SelectorExpr:
					if id, ok := x.X.(*ast.Ident); ok && (id.Name == "strconv" && strings.Contains(x.Sel.Name, "Float") || id.Name == "decimal" && strings.Contains(x.Sel.Name, "Float")) {
						t.Errorf("%s: %s.%s on the money path", fset.Position(x.Pos()), id.Name, x.Sel.Name)
					}
				}
				return true
			})
		}
	}
	if checked < 20 {
		t.Fatalf("checked only %d files: the package list is stale", checked)
	}
}
