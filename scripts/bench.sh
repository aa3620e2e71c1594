#!/usr/bin/env bash
# Runs the Go benchmarks whose figures docs/performance.md records, against
# one throw-away PostgreSQL cluster. The load programs under bench/cmd take
# minutes each and have their own targets (make bench-peer, bench-soak, …).
set -euo pipefail
cd "$(dirname "$0")/.."

state=$(mktemp -d)
cleanup() { go run ./internal/pgtest/cmd/pgtestserver -stop "$state/cluster" >/dev/null 2>&1 || true; rm -rf "$state"; }
trap cleanup EXIT
eval "$(go run ./internal/pgtest/cmd/pgtestserver -state "$state/cluster")"
export REMIT_TEST_DATABASE_URL

run() { echo "== $*"; go test -run '^$' "$@"; }
run -bench 'BenchmarkVerifyRequest|BenchmarkCanonicalRequest' -benchmem ./internal/connect
run -bench . -benchmem ./internal/jira
run -bench BenchmarkPlan -benchmem ./internal/followup
run -bench . ./internal/invoicepdf
run -bench BenchmarkInsertInvoice -benchtime 10x ./internal/store
run -bench BenchmarkWebhookEndpoint -benchtime 5000x ./internal/app
run -bench BenchmarkInvoiceFrom10kWorklogs -benchtime 6x ./internal/app
