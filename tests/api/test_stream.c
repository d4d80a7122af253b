/*
 * The notification stream (API.md §12, §1.5, §17): authentication (bearer or ?access_token),
 * headers, retry first, replay after Last-Event-ID, live events, heartbeats, the per-user
 * limit, the stream's end on logout, deactivation and SIGTERM, reconnection without gaps or
 * duplicates, and on PostgreSQL the fan-out across instances and the LISTEN connection's loss.
 *
 * Notifications are written straight into the database (support/sse.h). On SQLite such a row
 * reaches a stream at the hub's next check, so the suite's server checks every second
 * (SSE_HEARTBEAT_SECONDS=1); the PostgreSQL-only tests use a long interval instead, so that
 * only NOTIFY and the listener's catch-up can explain a delivery.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support/accounts.h"
#include "support/sse.h"

#define STREAM "/api/v1/notifications/stream"
/* Generous bounds for waits that normally end far sooner (sanitizers, a busy machine). */
#define SOON_MS 5000

static struct ts_server srv;

static void start(void)
{
    static const char *const env[] = {"SSE_HEARTBEAT_SECONDS=1", "SSE_MAX_STREAMS_PER_USER=2",
                                      NULL};
    ts_server_start(&srv, env);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
}

TestSuite(stream, .init = start, .fini = stop, .timeout = 120);

static long long notify(const struct ts_server *s, const struct ts_user *u)
{
    long long seq = ts_sse_notify(s, u->id);
    cr_assert_gt(seq, 0, "cannot create a notification");
    return seq;
}

/* Opens u's stream with the bearer header and extra header lines; asserts 200 and retry. */
static void open_stream(const struct ts_server *s, const struct ts_user *u, const char *extra,
                        struct ts_sse *c)
{
    const char *h[] = {u->auth, extra, NULL};
    long status = ts_sse_open(c, s, STREAM, h, SOON_MS);
    cr_assert_eq(status, 200, "stream: %ld %s", status, c->body ? c->body : "");
    struct ts_sse_item it;
    cr_assert_eq(ts_sse_next(c, SOON_MS, &it), 1, "no first item");
    cr_assert_eq(it.kind, TS_SSE_RETRY, "the stream starts with retry:");
    cr_assert_eq(it.retry, 5000);
    ts_sse_item_free(&it);
}

/* The next event must be notification `seq` of u. */
static void expect_event(struct ts_sse *c, const struct ts_user *u, long long seq, int timeout_ms)
{
    struct ts_sse_item it;
    int r = ts_sse_next_event(c, timeout_ms, &it);
    cr_assert_eq(r, 1, "no event %lld within %d ms (%d)", seq, timeout_ms, r);
    cr_assert_eq(it.id, seq, "event id %lld, expected %lld", it.id, seq);
    cr_assert_str_eq(it.event, "module_assigned");
    cr_assert_null(strchr(it.data, '\n'), "data on one line");
    json_t *n = json_loads(it.data, 0, NULL);
    cr_assert_not_null(n, "data is JSON: %s", it.data);
    cr_assert_eq(json_integer_value(json_object_get(n, "seq")), seq);
    cr_assert_str_eq(json_string_value(json_object_get(n, "type")), "module_assigned");
    cr_assert_eq(strlen(json_string_value(json_object_get(n, "id"))), 36);
    cr_assert_str_eq(json_string_value(json_object_get(n, "title")), "New assignment");
    cr_assert_str_eq(json_string_value(json_object_get(n, "body")),
                     "Fire safety was assigned to you.");
    json_t *want = json_loads("{\"module_id\":\"m1\",\"n\":1}", 0, NULL);
    cr_assert(json_equal(json_object_get(n, "data"), want), "data object: %s", it.data);
    json_decref(want);
    cr_assert(json_is_false(json_object_get(n, "read")));
    cr_assert(json_is_null(json_object_get(n, "read_at")));
    const char *created = json_string_value(json_object_get(n, "created_at"));
    cr_assert(created != NULL && strlen(created) == 24 && created[23] == 'Z');
    cr_assert_eq(json_object_size(n), 9, "exactly the Notification fields: %s", it.data);
    (void)u;
    json_decref(n);
    ts_sse_item_free(&it);
}

/* No event arrives within `ms` (heartbeats may). */
static void expect_no_event(struct ts_sse *c, int ms)
{
    struct ts_sse_item it;
    int r = ts_sse_next_event(c, ms, &it);
    cr_assert_eq(r, 0, "unexpected event %lld", r == 1 ? it.id : -1LL);
}

Test(stream, missing_or_invalid_token_is_401_json)
{
    struct ts_sse c;

    cr_assert_eq(ts_sse_open(&c, &srv, STREAM, NULL, SOON_MS), 401);
    cr_assert_str_eq(c.body, "{\"detail\":\"Not authenticated\"}");
    cr_assert_str_eq(ts_sse_header(&c, "WWW-Authenticate"), "Bearer");
    cr_assert_str_eq(ts_sse_header(&c, "Content-Type"), "application/json");
    ts_sse_close(&c);

    const char *bad[] = {"Authorization: Bearer nope", NULL};
    cr_assert_eq(ts_sse_open(&c, &srv, STREAM, bad, SOON_MS), 401);
    cr_assert_str_eq(c.body, "{\"detail\":\"Could not validate credentials\"}");
    ts_sse_close(&c);

    cr_assert_eq(ts_sse_open(&c, &srv, STREAM "?access_token=nope", NULL, SOON_MS), 401);
    cr_assert_str_eq(c.body, "{\"detail\":\"Could not validate credentials\"}");
    ts_sse_close(&c);

    cr_assert_eq(ts_sse_open(&c, &srv, STREAM "?access_token=", NULL, SOON_MS), 401);
    cr_assert_str_eq(c.body, "{\"detail\":\"Not authenticated\"}");
    ts_sse_close(&c);
}

Test(stream, query_token_works_only_here_and_never_reaches_the_log)
{
    struct ts_user u;
    struct ts_sse c;
    char path[256];
    struct ts_resp r;

    ts_learner(&srv, &u);
    snprintf(path, sizeof(path), STREAM "?access_token=%s", u.token);
    cr_assert_eq(ts_sse_open(&c, &srv, path, NULL, SOON_MS), 200);
    long long seq = notify(&srv, &u);
    expect_event(&c, &u, seq, SOON_MS);
    ts_sse_close(&c);

    /* The header wins when both are sent. */
    const char *bad[] = {"Authorization: Bearer nope", NULL};
    cr_assert_eq(ts_sse_open(&c, &srv, path, bad, SOON_MS), 401);
    ts_sse_close(&c);

    /* Elsewhere the query token is ignored (§1.5). */
    snprintf(path, sizeof(path), "/api/v1/users/me?access_token=%s", u.token);
    ts_as(&srv, NULL, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_resp_free(&r);

    usleep(200 * 1000);
    char *log = ts_server_log(&srv);
    cr_assert_null(strstr(log, u.token), "the access token reached the log");
    cr_assert_not_null(strstr(log, "\"route\":\"" STREAM "\""), "the stream's access line");
    free(log);
}

Test(stream, headers_and_retry_come_first_then_heartbeats)
{
    struct ts_user u;
    struct ts_sse c;
    struct ts_sse_item it;

    ts_learner(&srv, &u);
    const char *h[] = {u.auth, "X-Request-ID: stream-test-1", NULL};
    cr_assert_eq(ts_sse_open(&c, &srv, STREAM, h, SOON_MS), 200);
    cr_assert_str_eq(ts_sse_header(&c, "Content-Type"), "text/event-stream");
    cr_assert_str_eq(ts_sse_header(&c, "Cache-Control"), "no-store");
    cr_assert_str_eq(ts_sse_header(&c, "X-Accel-Buffering"), "no");
    cr_assert_str_eq(ts_sse_header(&c, "X-Request-ID"), "stream-test-1");
    cr_assert_eq(ts_sse_next(&c, SOON_MS, &it), 1);
    cr_assert_eq(it.kind, TS_SSE_RETRY);
    cr_assert_eq(it.retry, 5000);
    ts_sse_item_free(&it);
    /* SSE_HEARTBEAT_SECONDS=1: two heartbeats within a few seconds. */
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(ts_sse_next(&c, SOON_MS, &it), 1, "no heartbeat");
        cr_assert_eq(it.kind, TS_SSE_COMMENT);
        cr_assert_str_eq(it.comment, "heartbeat");
        ts_sse_item_free(&it);
    }
    ts_sse_close(&c);
}

Test(stream, replay_after_last_event_id_header_in_order_then_live)
{
    struct ts_user u, other;
    struct ts_sse c;
    char h[64];

    ts_learner(&srv, &u);
    ts_learner(&srv, &other);
    long long s1 = notify(&srv, &u);
    notify(&srv, &other); /* never on u's stream */
    long long s2 = notify(&srv, &u);
    long long s3 = notify(&srv, &u);
    snprintf(h, sizeof(h), "Last-Event-ID: %lld", s1);
    open_stream(&srv, &u, h, &c);
    expect_event(&c, &u, s2, SOON_MS);
    expect_event(&c, &u, s3, SOON_MS);
    long long s4 = notify(&srv, &u);
    expect_event(&c, &u, s4, SOON_MS);
    expect_no_event(&c, 1500);
    ts_sse_close(&c);

    /* Last-Event-ID 0 replays everything. */
    open_stream(&srv, &u, "Last-Event-ID: 0", &c);
    expect_event(&c, &u, s1, SOON_MS);
    expect_event(&c, &u, s2, SOON_MS);
    expect_event(&c, &u, s3, SOON_MS);
    expect_event(&c, &u, s4, SOON_MS);
    ts_sse_close(&c);
}

Test(stream, replay_after_last_event_id_query_and_the_header_wins)
{
    struct ts_user u;
    struct ts_sse c;
    char path[160], h[64];

    ts_learner(&srv, &u);
    long long s1 = notify(&srv, &u);
    long long s2 = notify(&srv, &u);
    long long s3 = notify(&srv, &u);
    const char *auth[] = {u.auth, NULL};
    snprintf(path, sizeof(path), STREAM "?last_event_id=%lld", s1);
    cr_assert_eq(ts_sse_open(&c, &srv, path, auth, SOON_MS), 200);
    expect_event(&c, &u, s2, SOON_MS);
    expect_event(&c, &u, s3, SOON_MS);
    ts_sse_close(&c);

    snprintf(h, sizeof(h), "Last-Event-ID: %lld", s2);
    const char *both[] = {u.auth, h, NULL};
    snprintf(path, sizeof(path), STREAM "?last_event_id=0");
    cr_assert_eq(ts_sse_open(&c, &srv, path, both, SOON_MS), 200);
    expect_event(&c, &u, s3, SOON_MS);
    expect_no_event(&c, 1500);
    ts_sse_close(&c);
}

Test(stream, without_a_valid_last_event_id_nothing_is_replayed)
{
    static const char *const ids[] = {NULL, "Last-Event-ID: abc", "Last-Event-ID: -1",
                                      "Last-Event-ID: 1.0", "Last-Event-ID: 99999999999999999999"};
    struct ts_user u;
    struct ts_sse c;

    ts_learner(&srv, &u);
    notify(&srv, &u);
    notify(&srv, &u);
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        open_stream(&srv, &u, ids[i], &c);
        expect_no_event(&c, 1200);
        long long seq = notify(&srv, &u);
        expect_event(&c, &u, seq, SOON_MS);
        ts_sse_close(&c);
    }
}

Test(stream, more_than_the_limit_is_429_until_one_closes)
{
    struct ts_user u, other;
    struct ts_sse a, b, c;

    ts_learner(&srv, &u);
    ts_learner(&srv, &other);
    open_stream(&srv, &u, NULL, &a);
    open_stream(&srv, &u, NULL, &b); /* SSE_MAX_STREAMS_PER_USER=2 */
    const char *h[] = {u.auth, NULL};
    cr_assert_eq(ts_sse_open(&c, &srv, STREAM, h, SOON_MS), 429);
    cr_assert_str_eq(c.body, "{\"detail\":\"Too many open streams\"}");
    cr_assert_str_eq(ts_sse_header(&c, "Retry-After"), "5");
    ts_sse_close(&c);
    open_stream(&srv, &other, NULL, &c); /* per user */
    ts_sse_close(&c);

    /* Both streams get every event. */
    long long seq = notify(&srv, &u);
    expect_event(&a, &u, seq, SOON_MS);
    expect_event(&b, &u, seq, SOON_MS);

    /* A stream the client closed is noticed at the next heartbeat; then one opens again. */
    ts_sse_close(&a);
    long status = 0;
    for (long long end = ts_mono_ms() + SOON_MS; status != 200 && ts_mono_ms() < end;) {
        status = ts_sse_open(&c, &srv, STREAM, h, SOON_MS);
        if (status != 200) {
            ts_sse_close(&c);
            usleep(200 * 1000);
        }
    }
    cr_assert_eq(status, 200, "the closed stream still counts");
    ts_sse_close(&c);
    ts_sse_close(&b);
}

Test(stream, logout_ends_the_stream_of_that_token_only)
{
    struct ts_user u;
    struct ts_sse a, b;
    struct ts_resp r;
    char other_token[128], other_auth[160];

    ts_learner(&srv, &u);
    cr_assert_eq(ts_login(&srv, u.email, "password123", other_token), 200);
    snprintf(other_auth, sizeof(other_auth), "Authorization: Bearer %s", other_token);
    open_stream(&srv, &u, NULL, &a);
    const char *h[] = {other_auth, NULL};
    cr_assert_eq(ts_sse_open(&b, &srv, STREAM, h, SOON_MS), 200);
    ts_as(&srv, &u, "POST", "/api/v1/auth/logout", NULL, &r);
    cr_assert_eq(r.status, 204);
    ts_resp_free(&r);
    cr_assert(ts_sse_wait_end(&a, SOON_MS), "the stream of the revoked token stays open");
    long long seq = notify(&srv, &u);
    expect_event(&b, &u, seq, SOON_MS);
    ts_sse_close(&a);
    ts_sse_close(&b);
}

Test(stream, deactivation_ends_the_stream)
{
    struct ts_user admin, u;
    struct ts_sse c;
    struct ts_resp r;
    char path[128];

    ts_admin(&srv, &admin);
    ts_learner(&srv, &u);
    open_stream(&srv, &u, NULL, &c);
    snprintf(path, sizeof(path), "/api/v1/users/%s", u.id);
    ts_as(&srv, &admin, "PATCH", path, "{\"active\":false}", &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
    cr_assert(ts_sse_wait_end(&c, SOON_MS), "the stream of a deactivated user stays open");
    ts_sse_close(&c);
}

Test(stream, an_expired_token_ends_the_stream)
{
    struct ts_user u;
    struct ts_sse c;
    char sql[256];

    ts_learner(&srv, &u);
    open_stream(&srv, &u, NULL, &c);
    snprintf(sql, sizeof(sql), "UPDATE tokens SET expires_at = 1 WHERE user_id = '%s'", u.id);
    ts_sql(&srv, sql);
    cr_assert(ts_sse_wait_end(&c, SOON_MS), "the stream of an expired token stays open");
    ts_sse_close(&c);
}

/* --- reconnection while notifications are being created ------------------------------------ */

#define WRITES 40

struct writer {
    const struct ts_server *s;
    char user_id[STR_UUID_SIZE];
    long long seqs[WRITES];
    atomic_int n; /* seqs[0..n) are written */
    atomic_int failed;
};

static void *write_notifications(void *arg)
{
    struct writer *w = arg;

    for (int i = 0; i < WRITES; i++) {
        long long seq = ts_sse_notify(w->s, w->user_id);
        if (seq < 0) {
            w->failed++;
            continue;
        }
        w->seqs[atomic_load(&w->n)] = seq;
        atomic_fetch_add(&w->n, 1);
        usleep(25 * 1000);
    }
    return NULL;
}

/*
 * A client that keeps dropping its stream and reconnecting with the last id it saw, while
 * notifications are created: across all its connections it receives every notification
 * exactly once, in seq order.
 */
Test(stream, reconnecting_with_last_event_id_loses_and_repeats_nothing)
{
    /* Static: a failed assertion ends this function while the writer may still run. */
    static struct writer w;
    struct ts_user u;
    pthread_t t;
    long long got[WRITES * 2];
    int ngot = 0;
    long long last = 0;

    ts_learner(&srv, &u);
    w.s = &srv;
    snprintf(w.user_id, sizeof(w.user_id), "%s", u.id);
    cr_assert_eq(pthread_create(&t, NULL, write_notifications, &w), 0);
    long long deadline = ts_mono_ms() + 60000;
    bool writer_done = false;
    for (int round = 0; ts_mono_ms() < deadline; round++) {
        struct ts_sse c;
        char h[64];
        snprintf(h, sizeof(h), "Last-Event-ID: %lld", last);
        open_stream(&srv, &u, h, &c);
        /* A few events, then drop the connection, sometimes mid-stream. */
        int want = 1 + round % 4;
        for (int i = 0; i < want; i++) {
            struct ts_sse_item it;
            int r = ts_sse_next_event(&c, 300, &it);
            if (r != 1)
                break;
            cr_assert_lt(ngot, WRITES * 2, "more events than notifications");
            cr_assert_gt(it.id, last, "event %lld after %lld: out of order or repeated", it.id,
                         last);
            got[ngot++] = last = it.id;
            ts_sse_item_free(&it);
        }
        ts_sse_close(&c);
        if (!writer_done && w.n + w.failed == WRITES) {
            pthread_join(t, NULL);
            writer_done = true;
        }
        if (writer_done && ngot >= w.n)
            break;
    }
    if (!writer_done)
        pthread_join(t, NULL);
    cr_assert_eq(w.failed, 0, "the writer failed %d time(s)", w.failed);
    cr_assert_eq(ngot, w.n, "received %d of %d notifications", ngot, w.n);
    for (int i = 0; i < ngot; i++)
        cr_assert_eq(got[i], w.seqs[i], "event %d: %lld, expected %lld", i, got[i], w.seqs[i]);
}

/* --- shutdown ------------------------------------------------------------------------------ */

Test(stream_shutdown, sigterm_ends_every_stream_at_once_and_exits_0, .timeout = 60)
{
    struct ts_server s;
    struct ts_user u;
    struct ts_sse a, b;

    ts_server_start(&s, NULL);
    ts_learner(&s, &u);
    open_stream(&s, &u, NULL, &a);
    open_stream(&s, &u, NULL, &b);
    long long t0 = ts_mono_ms();
    cr_assert_eq(kill(s.pid, SIGTERM), 0);
    cr_assert(ts_sse_wait_end(&a, 2000), "a stream outlived SIGTERM");
    cr_assert(ts_sse_wait_end(&b, 2000), "a stream outlived SIGTERM");
    long long ended = ts_mono_ms() - t0;
    cr_assert_lt(ended, 2000, "streams ended %lld ms after SIGTERM", ended);
    cr_assert_eq(ts_server_stop(&s), 0);
    long long stopped = ts_mono_ms() - t0;
    /* Well inside SHUTDOWN_GRACE_SECONDS (10): the drain does not wait for the streams. */
    cr_assert_lt(stopped, 6000, "the server took %lld ms to exit", stopped);
    ts_sse_close(&a);
    ts_sse_close(&b);
}

/* --- PostgreSQL: fan-out across instances and the LISTEN connection --------------------------- */

/* A second server on the same database; it leaves the database alone when it stops. */
static void start_second(const struct ts_server *first, struct ts_server *second,
                         const char *const *env)
{
    memset(second, 0, sizeof(*second));
    ts_scratch_dir(second->dir, sizeof(second->dir), "ts-second");
    snprintf(second->log_path, sizeof(second->log_path), "%s/server.log", second->dir);
    snprintf(second->database_url, sizeof(second->database_url), "%s", first->database_url);
    ts_server_start_on(second, env);
}

/* Waits until `n` servers listen on the database of `s` (the listener starts with a server). */
static void wait_for_listeners(const struct ts_server *s, int n)
{
    int got = 0;
    for (long long end = ts_mono_ms() + SOON_MS; ts_mono_ms() < end; usleep(50 * 1000))
        if ((got = ts_sse_listeners(s)) >= n)
            return;
    cr_assert_fail("%d of %d LISTEN connections in pg_stat_activity", got, n);
}

Test(stream_pg, a_notification_reaches_a_stream_on_another_instance_within_a_second, .timeout = 90)
{
    /* Checks every 5 minutes: only NOTIFY can bring the event in time. */
    static const char *const env[] = {"SSE_HEARTBEAT_SECONDS=300", NULL};
    struct ts_server a, b;
    struct ts_user u;
    struct ts_sse on_a, on_b;

    if (!ts_backend_is_pg())
        cr_skip_test("NOTIFY fan-out is PostgreSQL's; SQLite runs one instance");
    ts_server_start(&a, env);
    start_second(&a, &b, env);
    wait_for_listeners(&a, 2);
    ts_learner(&a, &u);
    open_stream(&a, &u, NULL, &on_a);
    open_stream(&b, &u, NULL, &on_b);
    usleep(300 * 1000); /* the stream's opening catch-up is done */
    for (int i = 0; i < 3; i++) {
        long long t0 = ts_mono_ms();
        long long seq = notify(&a, &u);
        expect_event(&on_b, &u, seq, SOON_MS);
        long long took = ts_mono_ms() - t0;
        cr_assert_lt(took, 1500, "NOTIFY reached the other instance after %lld ms", took);
        expect_event(&on_a, &u, seq, SOON_MS);
    }
    ts_sse_close(&on_a);
    ts_sse_close(&on_b);
    cr_assert_eq(ts_server_stop(&b), 0);
    cr_assert_eq(ts_server_stop(&a), 0);
}

Test(stream_pg, streams_catch_up_after_the_listen_connection_is_killed, .timeout = 90)
{
    static const char *const env[] = {"SSE_HEARTBEAT_SECONDS=300", NULL};
    struct ts_server s;
    struct ts_user u, v;
    struct ts_sse su1, su2, sv;

    if (!ts_backend_is_pg())
        cr_skip_test("LISTEN is PostgreSQL's");
    ts_server_start(&s, env);
    ts_learner(&s, &u);
    ts_learner(&s, &v);
    open_stream(&s, &u, NULL, &su1);
    open_stream(&s, &u, NULL, &su2);
    open_stream(&s, &v, NULL, &sv);
    /* Live first, so the listener is known to work. */
    long long first = notify(&s, &u);
    expect_event(&su1, &u, first, SOON_MS);
    expect_event(&su2, &u, first, SOON_MS);

    wait_for_listeners(&s, 1);
    cr_assert_eq(ts_sse_kill_listeners(&s), 1, "the LISTEN connection was not terminated");
    /* Created while the listener is down (it waits 1 s before reconnecting): no NOTIFY
     * reaches this instance. */
    long long su[3], sv_seq[2];
    for (int i = 0; i < 3; i++)
        su[i] = notify(&s, &u);
    for (int i = 0; i < 2; i++)
        sv_seq[i] = notify(&s, &v);
    for (int i = 0; i < 3; i++) {
        expect_event(&su1, &u, su[i], 10000);
        expect_event(&su2, &u, su[i], 10000);
    }
    for (int i = 0; i < 2; i++)
        expect_event(&sv, &v, sv_seq[i], 10000);
    /* Listening again: live delivery, and nothing twice. */
    long long later = notify(&s, &v);
    expect_event(&sv, &v, later, SOON_MS);
    expect_no_event(&su1, 500);
    expect_no_event(&su2, 500);
    char *log = ts_server_log(&s);
    cr_assert_not_null(strstr(log, "LISTEN connection lost"), "the loss is logged");
    free(log);
    ts_sse_close(&su1);
    ts_sse_close(&su2);
    ts_sse_close(&sv);
    cr_assert_eq(ts_server_stop(&s), 0);
}

/* --- revocation ends streams at once, on every instance ------------------------------------- */

Test(stream_revoke, logout_and_deactivation_end_streams_at_once_on_every_instance, .timeout = 90)
{
    /* Checks every 5 minutes: only the revocation's announcement ends the streams in time. */
    static const char *const env[] = {"SSE_HEARTBEAT_SECONDS=300", NULL};
    struct ts_server a, b;
    struct ts_server *holder = &a; /* holds the streams: the other instance on PostgreSQL */
    struct ts_user admin, u, v;
    struct ts_sse su, sv;
    struct ts_resp r;
    char path[128];

    ts_server_start(&a, env);
    if (ts_backend_is_pg()) {
        start_second(&a, &b, env);
        wait_for_listeners(&a, 2);
        holder = &b;
    }
    ts_admin(&a, &admin);
    ts_learner(&a, &u);
    ts_learner(&a, &v);
    open_stream(holder, &u, NULL, &su);
    open_stream(holder, &v, NULL, &sv);

    ts_as(&a, &u, "POST", "/api/v1/auth/logout", NULL, &r);
    cr_assert_eq(r.status, 204);
    ts_resp_free(&r);
    cr_assert(ts_sse_wait_end(&su, SOON_MS), "the stream of the revoked token stays open");

    snprintf(path, sizeof(path), "/api/v1/users/%s", v.id);
    ts_as(&a, &admin, "PATCH", path, "{\"active\":false}", &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
    cr_assert(ts_sse_wait_end(&sv, SOON_MS), "the stream of a deactivated user stays open");

    ts_sse_close(&su);
    ts_sse_close(&sv);
    if (holder == &b)
        cr_assert_eq(ts_server_stop(&b), 0);
    cr_assert_eq(ts_server_stop(&a), 0);
}
