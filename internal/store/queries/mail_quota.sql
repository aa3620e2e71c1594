-- name: TakeMailQuota :one
INSERT INTO mail_quota (client_key, day, sent) VALUES (@client_key, @day, 1)
ON CONFLICT (client_key, day) DO UPDATE SET sent = mail_quota.sent + 1
WHERE mail_quota.sent < @daily_limit::bigint
RETURNING sent;

-- name: RefuseMailQuota :execrows
UPDATE mail_quota SET refused = true WHERE client_key = @client_key AND day = @day AND NOT refused;
