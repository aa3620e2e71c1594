// Package httpapi is Remit's HTTP edge: routes, authentication of the
// three Connect token kinds per surface, request limits, metrics, and the
// one place where domain errors become RFC 9457 problem documents.
// Handlers stay thin: decode, validate, call the domain, respond.
package httpapi
