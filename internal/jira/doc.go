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
// Site lists every call the use cases make, in their terms (create the
// invoice issue, move it, comment, label, read worklogs); *Client
// implements it, building Jira's wire formats here and nowhere else, and
// Sites (*Factory) gives a tenant's Site. Tests of the use cases use the
// in-memory jirafake instead. Client wraps go-jira (Raw) and Do for the
// requests themselves; both share the transports, so metrics, retries
// and signing apply to every request. Jira's error bodies become
// *APIError, classified into remit error kinds. Permissions answers the
// SPEC's permission rules through POST /rest/api/3/permissions/check with
// a short, bounded, coalescing cache.
package jira
