-- The database's identity: when this schema was created.
-- Later migrations add the product tables.
-- migrate:up
CREATE TABLE app_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO app_meta (key, value) VALUES ('schema_created_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- migrate:down
DROP TABLE app_meta;
