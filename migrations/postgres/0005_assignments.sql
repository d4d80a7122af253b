-- Assignments (API.md §11) and notifications (§12).
-- notifications.seq comes from one sequence for the whole deployment. For each user, commit
-- order must equal seq order (an SSE stream sends events in seq order and never goes back), so
-- the server takes a transaction-scoped advisory lock on the user before drawing the next value
-- (db/notifications.c): two notifications of one user are then numbered and committed in turn.
-- assignments.due_soon_for records the due_at a due-soon reminder was created for: the
-- scheduler's conditional UPDATE on it makes the reminder exactly-once across instances, and a
-- changed due_at re-arms it.
-- migrate:up
CREATE SEQUENCE notifications_seq;

CREATE TABLE notifications (
    id UUID PRIMARY KEY,
    seq BIGINT NOT NULL UNIQUE,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (type IN ('module_assigned', 'assignment_due_soon',
                                       'module_published', 'feedback_received')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    data JSONB NOT NULL,
    read_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX notifications_user_seq ON notifications (user_id, seq);
CREATE INDEX notifications_user_unread ON notifications (user_id) WHERE read_at IS NULL;

CREATE TABLE assignments (
    id UUID PRIMARY KEY,
    module_id UUID NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assigned_by UUID NOT NULL REFERENCES users (id),
    due_at BIGINT,
    due_soon_for BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (module_id, user_id)
);
CREATE INDEX assignments_created ON assignments (created_at DESC, id DESC);
CREATE INDEX assignments_user_created ON assignments (user_id, created_at DESC, id DESC);
CREATE INDEX assignments_by_created ON assignments (assigned_by, created_at DESC, id DESC);
CREATE INDEX assignments_due ON assignments (due_at) WHERE due_at IS NOT NULL;

-- migrate:down
DROP TABLE assignments;
DROP TABLE notifications;
DROP SEQUENCE notifications_seq;
