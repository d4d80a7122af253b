/*
 * What the notification streams (http/sse.c, API.md §12) read besides the notifications
 * themselves: whether the bearer tokens of open streams still authenticate, and how far each
 * token's user's notifications go. Errors: TS_EUNAVAIL, TS_EDB.
 */
#ifndef TS_DB_STREAMS_H
#define TS_DB_STREAMS_H

#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"

/* A bearer token that still authenticates, with what a notification stream needs to know. */
struct db_stream_token {
    const char *token_hash; /* arena copy */
    int64_t expires_at;     /* ms since the epoch */
    int64_t last_seq;       /* the newest notification seq of the token's user; 0 when none */
};

/*
 * For the `n` token hashes (lowercase hex) in hashes[]: those that still authenticate at
 * `now_ms` (unexpired, user active), each with its expiry and its user's newest notification
 * seq, in one statement. A hash missing from the answer was revoked (logout), has expired, or
 * belongs to a deactivated user. *items is an arena array of *nitems, in no particular order.
 */
int db_streams_check(struct db_conn *c, struct arena *a, const char *const *hashes, int n,
                     int64_t now_ms, struct db_stream_token **items, int *nitems);

/*
 * Tells every instance, on PostgreSQL, that tokens of `user_id` were revoked or the user was
 * deactivated: NOTIFY on the notifications channel with the payload "<user_id>:revoked",
 * delivered when the caller's transaction commits, so that each instance checks its streams'
 * tokens at once instead of at the next heartbeat. Nothing on SQLite (one instance, told
 * in-process by http_tokens_revoked()).
 */
#define DB_STREAMS_REVOKED ":revoked"
int db_streams_announce_revoked(struct db_conn *c, const char *user_id);

#endif
