package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"strconv"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/remitapp/remit/migrations"
)

// SchemaFingerprint is a hex SHA-256 over every migration Migrate would
// apply, Remit's and River's. Test helpers name their migrated template
// database after it, so a changed migration gets a fresh template instead
// of a stale one.
func SchemaFingerprint() (string, error) {
	h := sha256.New()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return "", fmt.Errorf("store.SchemaFingerprint: %w", err)
	}
	for _, name := range names { // Glob returns names sorted
		b, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			return "", fmt.Errorf("store.SchemaFingerprint: %w", err)
		}
		writeField(h, name)
		writeField(h, string(b))
	}
	migrator, err := rivermigrate.New(riverpgxv5.New(nil), &rivermigrate.Config{})
	if err != nil {
		return "", fmt.Errorf("store.SchemaFingerprint: %w", err)
	}
	for _, m := range migrator.AllVersions() {
		writeField(h, "river/"+strconv.Itoa(m.Version))
		writeField(h, m.SQLUp)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeField length-prefixes s so that concatenations cannot collide.
func writeField(h io.Writer, s string) {
	_, _ = h.Write([]byte(strconv.Itoa(len(s)) + ":" + s))
}
