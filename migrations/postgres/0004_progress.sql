-- Progress: one record per (user, module) (API.md §8). version counts successful writes; every
-- write is a compare-and-swap on it. The server computes status, percent and score.
-- migrate:up
CREATE TABLE progress (
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module_id UUID NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
    status TEXT NOT NULL
        CHECK (status IN ('not_started', 'in_progress', 'completed', 'passed', 'failed')),
    percent INTEGER NOT NULL,
    score INTEGER,
    version INTEGER NOT NULL,
    progress_data JSONB NOT NULL,
    started_at BIGINT,
    completed_at BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, module_id)
);
CREATE INDEX progress_user_updated ON progress (user_id, updated_at DESC, module_id DESC);
CREATE INDEX progress_module ON progress (module_id);

-- migrate:down
DROP TABLE progress;
