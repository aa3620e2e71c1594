package migrations

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// TestMigrationsAreAppendOnly holds every migration to the checksum recorded
// in sha256sums when it was added. A database that has applied a migration
// never applies it again, so editing, renaming or deleting one leaves
// existing databases and new ones with different schemas: change the schema
// with a new migration instead.
//
// To add a migration, give it the next number and append its checksum:
//
//	cd migrations && sha256sum 00015_name.sql >> sha256sums
//
// The list starts from the files as they stood when this test was written:
// 00009 was never part of the sequence (the numbers go from 00008 to 00010),
// and 00006 had been edited after it was first committed, so its recorded
// checksum is that of its current content.
func TestMigrationsAreAppendOnly(t *testing.T) {
	want := readSums(t)

	got := map[string]string{}
	files, err := fs.Glob(FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		got[name] = hex.EncodeToString(sum[:])
	}

	last := ""
	for _, w := range want {
		sum, ok := got[w.name]
		switch {
		case !ok:
			t.Errorf("%s is listed in sha256sums but gone: migrations are never removed or renamed", w.name)
		case sum != w.sum:
			t.Errorf("%s changed (sha256 %s, recorded %s): migrations are never edited; write a new one", w.name, sum, w.sum)
		}
		if w.name <= last {
			t.Errorf("sha256sums lists %s after %s: entries are appended in migration order", w.name, last)
		}
		last = w.name
		delete(got, w.name)
	}
	for name := range got {
		if name < last {
			t.Errorf("%s is new but numbered before %s, the last migration: give it the next number", name, last)
			continue
		}
		t.Errorf("%s is not in sha256sums: append its checksum (cd migrations && sha256sum %s >> sha256sums)", name, name)
	}
}

type sumEntry struct{ name, sum string }

// readSums reads sha256sums, in sha256sum's own format, in file order.
func readSums(t *testing.T) []sumEntry {
	t.Helper()
	f, err := os.Open("sha256sums")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []sumEntry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 2*sha256.Size {
			t.Fatalf("sha256sums:%d: want %q, got %q", n, "<sha256>  <file>", sc.Text())
		}
		out = append(out, sumEntry{name: name, sum: sum})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
