-- Assignments (API.md §11) and notifications (§12).
-- notifications.seq is the rowid with AUTOINCREMENT: never reused, even after the newest rows
-- are deleted, and drawn inside the writing transaction; SQLite has one writer at a time, so
-- commit order equals seq order for every user.
-- assignments.due_soon_for records the due_at a due-soon reminder was created for: the
-- scheduler's conditional UPDATE on it makes the reminder exactly-once, and a changed due_at
-- re-arms it.
-- migrate:up
CREATE TABLE notifications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (type IN ('module_assigned', 'assignment_due_soon',
                                       'module_published', 'feedback_received')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    data TEXT NOT NULL,
    read_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX notifications_user_seq ON notifications (user_id, seq);
CREATE INDEX notifications_user_unread ON notifications (user_id) WHERE read_at IS NULL;

CREATE TABLE assignments (
    id TEXT PRIMARY KEY,
    module_id TEXT NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assigned_by TEXT NOT NULL REFERENCES users (id),
    due_at INTEGER,
    due_soon_for INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (module_id, user_id)
);
CREATE INDEX assignments_created ON assignments (created_at DESC, id DESC);
CREATE INDEX assignments_user_created ON assignments (user_id, created_at DESC, id DESC);
CREATE INDEX assignments_by_created ON assignments (assigned_by, created_at DESC, id DESC);
CREATE INDEX assignments_due ON assignments (due_at) WHERE due_at IS NOT NULL;

-- migrate:down
DROP TABLE assignments;
DROP TABLE notifications;
