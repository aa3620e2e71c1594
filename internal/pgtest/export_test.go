package pgtest

// WithDatabase exposes withDatabase to the table test.
var WithDatabase = withDatabase
