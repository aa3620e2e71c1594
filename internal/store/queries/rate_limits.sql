-- HitRateWindows adds one hit to each bucket's window, in bucket order
-- (so concurrent requests wait for each other instead of deadlocking),
-- and returns each bucket's count. With @prune it also deletes the
-- windows that ended by @now: one statement either way. The arrays run
-- in parallel (one unnest each, zipped).
-- name: HitRateWindows :many
WITH pruned AS (
    DELETE FROM rate_limit_hits WHERE @prune::boolean AND expires_at <= @now::timestamptz
)
INSERT INTO rate_limit_hits (bucket, window_start, hits, expires_at)
SELECT h.bucket, h.window_start, 1, h.expires_at
FROM (SELECT unnest(@buckets::text[]) AS bucket, unnest(@window_starts::timestamptz[]) AS window_start,
        unnest(@expires::timestamptz[]) AS expires_at) h
ORDER BY h.bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_hits.hits + 1
RETURNING bucket, hits;
