/* Token checks for the notification streams; see streams.h. */
#include "db/streams.h"

#include <stdbool.h>
#include <stdint.h>

#include "db/notifications.h"
#include "util/buf.h"
#include "util/err.h"

#define CHECK_SELECT                                                                               \
    "SELECT t.hash, t.expires_at, COALESCE((SELECT max(n.seq) FROM notifications n "               \
    "WHERE n.user_id = t.user_id), 0) FROM tokens t JOIN users u ON u.id = t.user_id "
#define CHECK_WHERE " AND t.expires_at > $2 AND u.active"

/*
 * The hashes travel as one JSON array parameter that the database expands, so any number of
 * streams is checked by one statement with one prepared plan; each hash is a primary-key
 * lookup, and the newest seq of its user an index lookup on notifications_user_seq.
 */
int db_streams_check(struct db_conn *c, struct arena *a, const char *const *hashes, int n,
                     int64_t now_ms, struct db_stream_token **items, int *nitems)
{
    bool pg = db_backend(db_conn_pool(c)) == DB_POSTGRES;
    struct db_res *r = NULL;
    struct buf list;
    int rc;

    *items = NULL;
    *nitems = 0;
    if (n == 0)
        return 0;
    buf_init(&list, SIZE_MAX);
    buf_puts(&list, "[");
    for (int i = 0; i < n; i++) {
        buf_puts(&list, i > 0 ? ",\"" : "\"");
        buf_json_escape(&list, hashes[i]);
        buf_puts(&list, "\"");
    }
    buf_puts(&list, "]");
    rc = db_query(c,
                  pg ? CHECK_SELECT
                      "WHERE t.hash IN (SELECT json_array_elements_text($1::json))" CHECK_WHERE
                     : CHECK_SELECT "WHERE t.hash IN (SELECT value FROM json_each($1))" CHECK_WHERE,
                  DB_PARAMS(DB_P_TEXT(list.data), DB_P_INT(now_ms)), &r);
    buf_free(&list);
    if (rc < 0)
        return rc;
    struct db_stream_token *out = arena_alloc(a, sizeof(*out) * (size_t)(r->nrows + 1));
    for (int i = 0; i < r->nrows; i++) {
        out[i].token_hash = arena_strdup(a, db_text(r, i, 0));
        out[i].expires_at = db_int(r, i, 1);
        out[i].last_seq = db_int(r, i, 2);
    }
    *items = out;
    *nitems = r->nrows;
    db_res_free(r);
    return 0;
}

int db_streams_announce_revoked(struct db_conn *c, const char *user_id)
{
    if (db_backend(db_conn_pool(c)) != DB_POSTGRES)
        return 0;
    return db_query(
        c, "SELECT pg_notify('" DB_NOTIFICATIONS_CHANNEL "', $1 || '" DB_STREAMS_REVOKED "')",
        DB_PARAMS(DB_P_TEXT(user_id)), NULL);
}
