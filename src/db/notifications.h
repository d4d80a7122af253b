/*
 * Storage of notifications (migration 0005). Functions run on a connection the caller holds;
 * loaded strings live in the caller's arena. Errors: TS_ENOTFOUND, TS_EUNAVAIL, TS_EDB.
 */
#ifndef TS_DB_NOTIFICATIONS_H
#define TS_DB_NOTIFICATIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "model/notification.h"
#include "util/arena.h"

/* The PostgreSQL channel every instance LISTENs on; the payload is "<user_id>:<seq>". */
#define DB_NOTIFICATIONS_CHANNEL "trainsmart_notifications"

/* The columns db_notifications_read_row() reads, of table alias `n`, in its order. */
#define DB_NOTIFICATIONS_COLUMNS(n)                                                                \
    n ".id, " n ".seq, " n ".user_id, " n ".type, " n ".title, " n ".body, " n ".data, " n         \
      ".read_at, " n ".created_at"

/* Offsets of DB_NOTIFICATIONS_COLUMNS, in the same order. */
enum db_notifications_column {
    DB_NOTIFICATIONS_ID,
    DB_NOTIFICATIONS_SEQ,
    DB_NOTIFICATIONS_USER_ID,
    DB_NOTIFICATIONS_TYPE,
    DB_NOTIFICATIONS_TITLE,
    DB_NOTIFICATIONS_BODY,
    DB_NOTIFICATIONS_DATA,
    DB_NOTIFICATIONS_READ_AT,
    DB_NOTIFICATIONS_CREATED_AT,
    DB_NOTIFICATIONS_NCOLUMNS
};

/* Reads DB_NOTIFICATIONS_COLUMNS starting at column `col` of `row`; returns the column after. */
int db_notifications_read_row(const struct db_res *r, int row, int col, struct arena *a,
                              struct notification *n);

/*
 * Inserts `n` (id, user_id, type, title, body, data and created_at set) inside the caller's
 * write transaction and sets n->seq. The user's notifications are numbered one at a time
 * (PostgreSQL: a transaction-scoped advisory lock on the user; SQLite: the single writer), so
 * for each user commit order is seq order. On PostgreSQL the same transaction sends
 * NOTIFY trainsmart_notifications '<user_id>:<seq>', delivered to every instance on commit.
 */
int db_notifications_insert(struct db_conn *c, struct notification *n);

/* The user's notifications with seq > `after_seq`, ascending, at most `limit` (SSE replay and
 * catch-up). *items is an arena array of *n. */
int db_notifications_after(struct db_conn *c, struct arena *a, const char *user_id,
                           int64_t after_seq, int limit, struct notification **items, int *n);

struct db_notifications_filter {
    const char *user_id;
    int unread;            /* 1: unread only, 0: read only, -1: all */
    struct db_keyset page; /* after_key: seq strictly below it; after_id unused */
};

/* The user's notifications in order seq desc; *items is an arena array of *n. */
int db_notifications_list(struct db_conn *c, struct arena *a,
                          const struct db_notifications_filter *f, struct notification **items,
                          int *n);

/* How many of the user's notifications are unread. */
int db_notifications_unread_count(struct db_conn *c, const char *user_id, int64_t *count);

/*
 * Marks notification `id` of `user_id` read at `now_ms` unless it already is (read_at then
 * stays), and loads it into *out. TS_ENOTFOUND when the user has no notification `id`.
 */
int db_notifications_mark_read(struct db_conn *c, struct arena *a, const char *user_id,
                               const char *id, int64_t now_ms, struct notification *out);

/* Marks every unread notification of the user read at `now_ms`; *updated says how many. */
int db_notifications_mark_all_read(struct db_conn *c, const char *user_id, int64_t now_ms,
                                   int64_t *updated);

#endif
