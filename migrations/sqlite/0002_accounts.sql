-- Accounts: users and their access tokens (API.md §4). Emails are stored trimmed and
-- lowercased, so the unique index makes them unique case-insensitively. Only a SHA-256 hash
-- of each token is kept. Times are Unix milliseconds (UTC).
-- migrate:up
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('learner', 'author', 'admin')),
    timezone TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_created ON users (created_at DESC, id DESC);

CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX tokens_user ON tokens (user_id);

-- migrate:down
DROP TABLE tokens;
DROP TABLE users;
