/* Notifications on both backends; see notifications.h. */
#include "db/notifications.h"

#include <stdio.h>

#include "util/err.h"

#define NOTIFICATION_COLS DB_NOTIFICATIONS_COLUMNS("n")

int db_notifications_read_row(const struct db_res *r, int row, int col, struct arena *a,
                              struct notification *n)
{
    snprintf(n->id, sizeof(n->id), "%s", db_text(r, row, col + DB_NOTIFICATIONS_ID));
    n->seq = db_int(r, row, col + DB_NOTIFICATIONS_SEQ);
    snprintf(n->user_id, sizeof(n->user_id), "%s", db_text(r, row, col + DB_NOTIFICATIONS_USER_ID));
    n->type = (enum notification_type)db_enum(r, row, col + DB_NOTIFICATIONS_TYPE,
                                              notification_type_names);
    n->title = arena_strdup(a, db_text(r, row, col + DB_NOTIFICATIONS_TITLE));
    n->body = arena_strdup(a, db_text(r, row, col + DB_NOTIFICATIONS_BODY));
    n->data = arena_strdup(a, db_text(r, row, col + DB_NOTIFICATIONS_DATA));
    n->read_at = db_int(r, row, col + DB_NOTIFICATIONS_READ_AT);
    n->created_at = db_int(r, row, col + DB_NOTIFICATIONS_CREATED_AT);
    return col + DB_NOTIFICATIONS_NCOLUMNS;
}

static void read_notification(const struct db_res *r, int row, struct arena *a, void *item)
{
    db_notifications_read_row(r, row, 0, a, item);
}

int db_notifications_insert(struct db_conn *c, struct notification *n)
{
    bool pg = db_backend(db_conn_pool(c)) == DB_POSTGRES;
    struct db_res *r = NULL;
    int rc = 0;

    /* Two transactions numbering notifications of one user take turns here, so the one that
     * draws the smaller seq also commits first. SQLite's write lock already does that. */
    if (pg)
        /* Key space 7283042: notification numbering (7283041 is the migrations' lock). */
        rc = db_query(c, "SELECT pg_advisory_xact_lock(7283042, hashtext($1))",
                      DB_PARAMS(DB_P_TEXT(n->user_id)), NULL);
    if (rc == 0)
        rc = db_query(c,
                      /* The NOTIFY rides on the INSERT: one round trip less. */
                      pg ? "INSERT INTO notifications (id, seq, user_id, type, title, body, data, "
                           "created_at) VALUES ($1, nextval('notifications_seq'), $2, $3, $4, "
                           "$5, $6, $7) RETURNING seq, pg_notify('" DB_NOTIFICATIONS_CHANNEL
                           "', user_id::text || ':' || seq::text)"
                         : "INSERT INTO notifications (id, user_id, type, title, body, data, "
                           "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
                      DB_PARAMS(DB_P_TEXT(n->id), DB_P_TEXT(n->user_id),
                                DB_P_TEXT(notification_type_names[n->type]), DB_P_TEXT(n->title),
                                DB_P_TEXT(n->body), DB_P_TEXT(n->data), DB_P_INT(n->created_at)),
                      &r);
    if (rc == 0 && r->nrows != 1)
        rc = TS_EDB;
    if (rc == 0)
        n->seq = db_int(r, 0, 0);
    db_res_free(r);
    return rc;
}

int db_notifications_after(struct db_conn *c, struct arena *a, const char *user_id,
                           int64_t after_seq, int limit, struct notification **items, int *n)
{
    struct db_res *r = NULL;
    int rc = db_query(c,
                      "SELECT " NOTIFICATION_COLS " FROM notifications n "
                      "WHERE n.user_id = $1 AND n.seq > $2 ORDER BY n.seq LIMIT $3",
                      DB_PARAMS(DB_P_TEXT(user_id), DB_P_INT(after_seq), DB_P_INT(limit)), &r);

    if (rc < 0)
        return rc;
    *items = db__read_rows(r, a, sizeof(**items), read_notification, n);
    return 0;
}

int db_notifications_list(struct db_conn *c, struct arena *a,
                          const struct db_notifications_filter *f, struct notification **items,
                          int *n)
{
    struct db_res *r = NULL;
    struct db__list l;

    db__list_init(&l, "SELECT " NOTIFICATION_COLS " FROM notifications n WHERE n.user_id = $1",
                  DB_PARAMS(DB_P_TEXT(f->user_id)));
    if (f->unread == 1)
        db__list_and(&l, "n.read_at IS NULL", DB_NO_PARAMS);
    else if (f->unread == 0)
        db__list_and(&l, "n.read_at IS NOT NULL", DB_NO_PARAMS);
    db__list_page(&l, "n.seq", NULL, &f->page);
    int rc = db__list_run(c, &l, &r);

    if (rc < 0)
        return rc;
    *items = db__read_rows(r, a, sizeof(**items), read_notification, n);
    return 0;
}

int db_notifications_unread_count(struct db_conn *c, const char *user_id, int64_t *count)
{
    struct db_res *r = NULL;
    int rc =
        db_query(c, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
                 DB_PARAMS(DB_P_TEXT(user_id)), &r);

    if (rc == 0 && r->nrows != 1)
        rc = TS_EDB;
    if (rc == 0)
        *count = db_int(r, 0, 0);
    db_res_free(r);
    return rc;
}

int db_notifications_mark_read(struct db_conn *c, struct arena *a, const char *user_id,
                               const char *id, int64_t now_ms, struct notification *out)
{
    struct db_res *r = NULL;
    /* One statement: the row is changed only while unread, and returned either way. */
    int rc = db_query(
        c,
        "UPDATE notifications SET read_at = COALESCE(read_at, $3) "
        "WHERE id = $1 AND user_id = $2 RETURNING " DB_NOTIFICATIONS_COLUMNS("notifications"),
        DB_PARAMS(DB_P_TEXT(id), DB_P_TEXT(user_id), DB_P_INT(now_ms)), &r);

    if (rc == 0 && r->nrows == 0)
        rc = TS_ENOTFOUND;
    if (rc == 0)
        db_notifications_read_row(r, 0, 0, a, out);
    db_res_free(r);
    return rc;
}

int db_notifications_mark_all_read(struct db_conn *c, const char *user_id, int64_t now_ms,
                                   int64_t *updated)
{
    struct db_res *r = NULL;
    int rc =
        db_query(c, "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL",
                 DB_PARAMS(DB_P_TEXT(user_id), DB_P_INT(now_ms)), &r);

    *updated = rc == 0 ? r->affected : 0;
    db_res_free(r);
    return rc;
}
