-- Accounts: users and their access tokens (API.md §4). Emails are stored trimmed and
-- lowercased, so the unique index makes them unique case-insensitively. Only a SHA-256 hash
-- of each token is kept. Times are Unix milliseconds (UTC).
-- migrate:up
CREATE TABLE users (
    id UUID PRIMARY KEY,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('learner', 'author', 'admin')),
    timezone TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_created ON users (created_at DESC, id DESC);

CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX tokens_user ON tokens (user_id);

-- migrate:down
DROP TABLE tokens;
DROP TABLE users;
