// Package customerportal is the customer's side of Remit (SPEC §15): the
// use cases behind the customer page GET /c/{token}, which a customer
// with no Jira account reaches from the links in Remit's e-mails.
//
// A token is 256 random bits bound to one invoice of one tenant; the
// store keeps its SHA-256 (to find it) and the token sealed with the
// tenant's key (to repeat the same link in every e-mail), never the
// token in clear. A request's token is hashed, looked up, and the hash
// compared again in constant time; every wrong token is the same
// NotFound. A revoked token is ErrRevoked: its page says so and nothing
// else.
//
// What a customer does on the page (a promise to pay, a payment plan
// request, a dispute) is recorded in the invoice's transaction with an
// audit entry (actor "customer") and a notice the Jira sync posts once
// as a comment on the invoice issue, and it reschedules the follow-ups.
// A promise holds the ladder until it is broken (internal/followup).
//
// Paying by card is the Checkout's: a provider that, asked for an
// invoice, answers the address of a hosted checkout page for its balance
// or next installment. Without one the page offers the bank transfer,
// which it always shows.
package customerportal
