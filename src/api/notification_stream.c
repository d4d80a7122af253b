/*
 * GET /api/v1/notifications/stream (API.md §12): where the stream starts. The stream itself
 * (replay, live events, heartbeats, closing) is the hub's, in http/sse.c.
 */
#include "api/notification_stream.h"

#include <stdint.h>

#include "db/streams.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"

bool api_stream_replay_after(struct http_req *r, int64_t *after)
{
    const char *last = http_header(r, "Last-Event-ID");

    if (last == NULL)
        last = http_query(r, "last_event_id");
    return last != NULL && str_parse_int64(last, after) && *after >= 0;
}

/*
 * Without a replay point (api_stream_replay_after()) nothing is replayed, and the stream
 * starts after the newest notification the caller has now. That seq and the token's expiry
 * come from one statement, the same check the hub repeats on every heartbeat.
 */
int api_notifications_stream(struct http_req *r)
{
    struct db_stream_token *t;
    struct db_conn *c;
    int64_t after;
    int n;

    bool replay = api_stream_replay_after(r, &after);
    int rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_streams_check(c, &r->arena, &r->token_hash, 1, time_now_ms(), &t, &n);
    if (rc < 0)
        return http_reply_err(r, rc);
    if (n == 0) /* logged out or deactivated since the authentication a moment ago */
        return http_reply_err(r, TS_EBADTOKEN);
    if (!replay)
        after = t[0].last_seq;
    return http_reply_stream(r, after, t[0].expires_at);
}
