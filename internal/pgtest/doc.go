// Package pgtest gives tests a real, throw-away PostgreSQL.
//
// A test binary calls Main from TestMain. When REMIT_TEST_DATABASE_URL
// names a running server (a superuser URL; `make test` starts one with
// cmd/pgtestserver and shares it between all packages) that server is
// used; otherwise Main starts a private cluster with initdb and pg_ctl in a
// temporary directory and removes it when the tests end.
//
// On each server, the schema is migrated once into a template database
// whose name carries store.SchemaFingerprint, under an advisory lock so
// that parallel test binaries do not race. NewDB then clones it with
// CREATE DATABASE ... TEMPLATE, which takes tens of milliseconds, so every
// test gets a database of its own and can run in parallel.
//
// StartCluster is also what the dev stack (`make run`) uses for its
// throw-away database.
package pgtest
