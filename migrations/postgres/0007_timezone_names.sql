-- Time zone names the tz reader refuses (util/tz.c). The earlier check accepted any TZif file,
-- also the leap-second variants under right/ ("right/Europe/Berlin"), whose instants count
-- leap seconds while the server's clock does not; the reader refuses them, and registration and
-- PATCH /users/me no longer accept them. Users who chose one keep the same zone without the
-- prefix (the civil time differs from it by at most 27 seconds).
-- migrate:up
UPDATE users SET timezone = substr(timezone, 7) WHERE timezone LIKE 'right/%';

-- migrate:down
-- Nothing to undo: the plain names are what the prefixed ones meant.
SELECT 1;
