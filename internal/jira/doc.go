// Package jira is Remit's outbound client for a tenant's Jira site.
//
// Every call goes through two http.RoundTrippers, outermost first:
//
//   - RetryTransport: per-attempt timeout, rate-limit handling (Retry-After,
//     Beta-Retry-After, X-RateLimit-NearLimit pacing), bounded backoff on
//     5xx, replay of request bodies, and the rule that a write whose
//     response was lost is reported as *UncertainError instead of being
//     blindly sent again;
//   - SigningTransport: a fresh Connect JWT (HS256, qsh of the exact
//     outgoing request) per attempt, sent only to the tenant's own site.
//
// Client wraps go-jira (Raw) for the REST v2 calls it covers and offers Do
// for the v3 endpoints it lacks; both share the transports, so metrics,
// retries and signing apply to every request. Jira's error bodies become
// *APIError, classified into remit error kinds. Permissions answers the
// SPEC's permission rules through POST /rest/api/3/permissions/check with
// a short, bounded, coalescing cache.
package jira
