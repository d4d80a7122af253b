-- One notification for a random bench learner, written as the server writes one
-- (src/db/notifications.c db_notifications_insert): the user's numbering lock, the next seq,
-- the row, and NOTIFY on the channel every instance listens on, all in one transaction.
-- bench/stream.sh runs it at a fixed rate (pgbench -R) while streams are open, and measures
-- how long each notification takes from its created_at to the stream.
\set n random(1, :learners)
BEGIN;
SELECT id AS uid FROM users WHERE email = 'bench-learner-' || :n || '@bench.invalid' \gset
SELECT pg_advisory_xact_lock(7283042, hashtext(':uid'));
INSERT INTO notifications (id, seq, user_id, type, title, body, data, created_at)
VALUES (gen_random_uuid(), nextval('notifications_seq'), ':uid', 'module_assigned', 'Benchmark',
        'A notification from bench/stream.sh.', '{}',
        (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
RETURNING seq \gset
SELECT pg_notify('trainsmart_notifications', ':uid' || ':' || :seq);
COMMIT;
