-- +goose Up
-- The customer page's rate limits (SPEC §15), shared by every replica:
-- one fixed-window counter per bucket (a page token's or a client
-- address's, hashed) and window. A request adds one to its buckets'
-- current windows and reads the counts back in one statement; windows
-- that have ended are deleted on the fly, so the table holds only the
-- last minutes' buckets. Unlogged: counts are worth nothing after a
-- crash, and not writing them to the WAL keeps a page view cheap.
CREATE UNLOGGED TABLE rate_limit_hits (
    bucket       text        NOT NULL CHECK (bucket <> ''),
    window_start timestamptz NOT NULL,
    hits         integer     NOT NULL CHECK (hits > 0),
    expires_at   timestamptz NOT NULL, -- the window's end
    PRIMARY KEY (bucket, window_start)
);

CREATE INDEX rate_limit_hits_expires_idx ON rate_limit_hits (expires_at);

-- +goose Down
DROP TABLE rate_limit_hits;
