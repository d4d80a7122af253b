-- Modules, their screens (API.md §5, §6) and Idempotency-Key records (§1.8).
-- screen_count is kept on the module row so that listing modules reads no screens.
-- next_screen_id has no foreign key: targets may dangle while a module is a draft and are
-- checked when it is published (§7).
-- migrate:up
CREATE TABLE modules (
    id UUID PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    flow_type TEXT NOT NULL CHECK (flow_type IN ('linear', 'branching', 'assessment')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    settings JSONB NOT NULL,
    author_id UUID NOT NULL REFERENCES users (id),
    copied_from_id UUID REFERENCES modules (id) ON DELETE SET NULL,
    screen_count INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    published_at BIGINT,
    archived_at BIGINT
);
CREATE INDEX modules_created ON modules (created_at DESC, id DESC);
CREATE INDEX modules_author ON modules (author_id);
CREATE INDEX modules_copied_from ON modules (copied_from_id);

CREATE TABLE screens (
    id UUID PRIMARY KEY,
    module_id UUID NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('content', 'question', 'reflection', 'checklist', 'branch')),
    title TEXT NOT NULL,
    content JSONB NOT NULL,
    next_screen_id UUID,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX screens_module ON screens (module_id, position);

-- One row per (user, method, concrete path, key). status is NULL while the first request runs.
CREATE TABLE idempotency_keys (
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    key TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    status INTEGER,
    response TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, method, path, key)
);
CREATE INDEX idempotency_expires ON idempotency_keys (expires_at);

-- migrate:down
DROP TABLE idempotency_keys;
DROP TABLE screens;
DROP TABLE modules;
