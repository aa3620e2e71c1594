# Remit — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
GO    ?= go
BIN   := bin

.PHONY: all build run test test-go check lint sqlc fuzz bench bench-peer bench-peer-durable bench-soak bench-stress bench-sweep bench-chaos model deps clean manifest frontend frontend-test

all: build

# deps: Debian packages the tests need (poppler-utils, qpdf, chromium) and Node packages
# from the lock files. Idempotent; quiet when everything is present.
deps: tools/jwtref/node_modules/.package-lock.json tools/forgemanifest/node_modules/.package-lock.json
	@scripts/deps.sh

tools/jwtref/node_modules/.package-lock.json: tools/jwtref/package.json tools/jwtref/package-lock.json
	npm ci --prefix tools/jwtref --no-audit --no-fund --loglevel=error

# Atlassian's Forge manifest validator; internal/forge's test runs it on manifest.yml.
tools/forgemanifest/node_modules/.package-lock.json: tools/forgemanifest/package.json tools/forgemanifest/package-lock.json
	npm ci --prefix tools/forgemanifest --no-audit --no-fund --loglevel=error

# frontend: the iframe pages (TypeScript, Vite), built into frontend/dist
# and from there into the Go binary (go:embed). The build fails when the
# issue panel is over its size budget.
frontend: frontend/node_modules/.package-lock.json
	cd frontend && npm run --silent build

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	npm ci --prefix frontend --no-audit --no-fund --loglevel=error

# frontend-test: unit tests of the API client and formatting (Vitest).
frontend-test: frontend/node_modules/.package-lock.json
	cd frontend && npm test --silent

build: frontend
	$(GO) build -o $(BIN)/remit ./cmd/remit
	$(GO) build -o $(BIN)/jirasim ./cmd/jirasim
	$(GO) build -o $(BIN)/devstack ./cmd/devstack

# make run: throw-away PostgreSQL, the Jira simulator and Remit, with Remit
# installed into the simulator and a demo site seeded. Ctrl-C stops it all.
run: deps build
	$(BIN)/devstack

# make test: lint, every Go test against one throw-away PostgreSQL cluster,
# and a short fuzzing pass over the protocol parsers.
test: deps lint frontend frontend-test
	scripts/test.sh

# make check: the fast loop beside make test. Lint, then with the race
# detector the unit tests of every package whose tests need no PostgreSQL
# (they import neither internal/pgtest nor internal/apptest) and no browser;
# make test runs the rest. Measured on two cores (2026-12-03): 38 s with
# every unit test rerun (test cache cleared) and builds cached, 5 s when
# nothing changed; the first run, which builds everything with -race, sqlc
# and the Node tools, takes minutes (sqlc's parser is C, built once).
UNIT_PKGS = $(shell $(GO) list -f '{{.ImportPath}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}' ./... | awk '!/internal\/(pgtest|apptest|browsertest)( |$$)/ {print $$1}')

check: lint tools/jwtref/node_modules/.package-lock.json tools/forgemanifest/node_modules/.package-lock.json
	$(GO) test -race $(UNIT_PKGS)

# make lint: gofmt, go vet, a tidy go.mod, generated SQL code that matches
# its queries (sqlc diff), and golangci-lint with the policy in
# .golangci.yaml (staticcheck, the import rules of docs/architecture.md,
# and the other linters listed there).
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^vendor/')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@$(GO) mod tidy -diff || { echo "go.mod or go.sum is not tidy: run go mod tidy"; exit 1; }
	@$(GO) tool sqlc diff || { echo "internal/store/internal/dbsqlc is stale: run make sqlc"; exit 1; }
	$(GO) tool golangci-lint run ./...

# sqlc: regenerate internal/store/internal/dbsqlc from the queries in
# internal/store/queries and the schema in migrations (sqlc.yaml). The
# first build of sqlc compiles PostgreSQL's parser (cgo) and takes minutes;
# Go's build cache keeps it after that.
sqlc:
	$(GO) tool sqlc generate

# Longer fuzzing than make test does; FUZZTIME per target.
FUZZTIME ?= 2m
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

bench:
	scripts/bench.sh

# Load scripts (minutes each; not part of make test). Figures and commands
# are in docs/performance.md.
bench-peer: bench/ace/node_modules/.package-lock.json
	$(GO) run ./bench/cmd/webhookpeer

# The peer benchmark as production runs PostgreSQL (fsync and synchronous
# commit on, on disk): five alternating runs and their median ratio.
bench-peer-durable: bench/ace/node_modules/.package-lock.json
	$(GO) run ./bench/cmd/webhookpeer -durable -runs 5 -requests 10000

bench-soak:
	$(GO) run ./bench/cmd/webhooksoak

# Follow-up engine: exactly-once under SIGKILL and faults, sweep scaling
# (10k vs 1M open invoices), and the chaos run (20 sites, kills every 10 s,
# a PostgreSQL restart, 20 % 429 and 10 % 503 from Jira).
bench-stress:
	$(GO) run ./bench/cmd/followupstress

bench-sweep:
	$(GO) run ./bench/cmd/sweepscale

bench-chaos:
	$(GO) run ./bench/cmd/chaos

# model: the follow-up engine's model-based test (TestModel in
# internal/followupengine; docs/followup.md, "The model") for STEPS random steps;
# SEED=n replays a run. 30–60 steps a second on two cores (5,000 in 155 s).
STEPS ?= 20000
model:
	$(GO) test ./internal/followupengine -run 'TestModel$$' -count=1 -timeout 0 -v -model.steps=$(STEPS) $(if $(SEED),-model.seed=$(SEED))

bench/ace/node_modules/.package-lock.json: bench/ace/package.json bench/ace/package-lock.json
	npm ci --prefix bench/ace --no-audit --no-fund --loglevel=error

# manifest: regenerate the Forge manifest.yml from internal/connect/atlassian-connect.json
# (internal/forge's drift test fails until it is regenerated; another test
# runs Atlassian's validator, tools/forgemanifest, on the result).
manifest:
	$(GO) run ./cmd/remit manifest -o manifest.yml

clean:
	rm -rf $(BIN)
