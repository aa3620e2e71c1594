package followup

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func date(s string) invoice.Date {
	d, err := invoice.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file:\n got: %s\nwant: %s", name, got, want)
	}
}

func asRemit(err error, target **remit.Error) bool { return errors.As(err, target) }
