// Package jirasim is an in-memory stand-in for Jira Cloud sites, used by
// tests, benchmarks and the local demo so that Remit is exercised over real
// HTTP against the same wire contract as production.
//
// One Sim serves any number of sites on a single listener. A site's baseUrl
// is <simURL>/jira/<site>, a context path that clients must strip when they
// compute the qsh, exactly as with a Jira behind a context path. The
// simulator:
//
//   - installs Connect apps: fetches the descriptor, posts RS256-signed
//     lifecycle callbacks and serves the public key at
//     /connect-install-keys/<kid>;
//   - serves the REST endpoints Remit uses (v3 with ADF, v2 with plain
//     strings) with JWT + qsh verification, Jira's paging, error shapes,
//     status codes and rate-limit headers;
//   - delivers JWT-signed webhooks asynchronously with retries;
//   - injects faults (429, 5xx, latency, dropped responses after a
//     committed write, closed connections; duplicated, reordered and
//     delayed webhooks), deterministically when seeded;
//   - exposes a control API under /_sim/ and matching Go methods for
//     seeding data and reading back what the app did.
//
// It serves Jira's APIs, not Jira's pages. A program that wants pages
// beside them (the demo's simplified Jira, internal/demohost) mounts them
// with Handle and reads the site through the exported methods
// (hosting.go).
//
// It is a test tool: production code never imports it.
package jirasim
