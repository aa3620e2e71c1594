// Package connect implements the Atlassian Connect protocol: the query
// string hash (qsh), verification of the three inbound token kinds
// (RS256 signed-install lifecycle callbacks, HS256 request tokens with a
// computed qsh, HS256 context tokens with qsh "context-qsh"), signing of
// outbound calls to Jira, and the app descriptor.
//
// It is written on golang-jwt/v5 with the algorithm pinned per token kind;
// see docs/connect.md in the project for the pitfalls it avoids.
package connect
