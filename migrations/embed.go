// Package migrations holds Remit's numbered goose SQL migrations, embedded so
// that the binary can migrate its own database (`remit migrate` and at
// `serve` start) without shipping loose files.
package migrations

import "embed"

// FS is every migration file, named NNNNN_name.sql, at the root of the FS.
//
//go:embed *.sql
var FS embed.FS
