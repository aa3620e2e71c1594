#!/usr/bin/env bash
# Runs every Go test against one throw-away PostgreSQL cluster shared by all
# test binaries (each test still gets its own database), then a brief fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."

state=$(mktemp -d)
cleanup() { go run ./internal/pgtest/cmd/pgtestserver -stop "$state/cluster" >/dev/null 2>&1 || true; rm -rf "$state"; }
trap cleanup EXIT

eval "$(go run ./internal/pgtest/cmd/pgtestserver -state "$state/cluster")"
export REMIT_TEST_DATABASE_URL

# The browser tests time page loads against a static page; they run on
# their own, after everything else, so other packages' tests do not share
# the two cores with the measurement.
go test -count=1 -timeout 20m $(go list ./... | grep -v /internal/browsertest) 2>&1 | tee "$state/go-test.log"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] || exit "$status"
go test -count=1 -timeout 10m ./internal/browsertest 2>&1 | tee -a "$state/go-test.log"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] || exit "$status"

FUZZTIME=${FUZZTIME:-5s} scripts/fuzz.sh
