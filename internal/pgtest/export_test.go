package pgtest

// WithDatabase exposes withDatabase to the table test.
var WithDatabase = withDatabase

// ReapOrphans and MarkOwner expose the orphan sweep to its test.
var (
	ReapOrphans = reapOrphans
	MarkOwner   = markOwner
	ScratchDir  = scratchDir
)
