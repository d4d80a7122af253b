/*
 * A PostgreSQL host that accepts connections and then never answers (API.md §17): a hung host
 * or a network black hole, which statement_timeout cannot end because nothing reaches the
 * server. Requests must get 503 with Retry-After within DB_TIMEOUT_MS and a little, /readyz
 * must answer as quickly, and service must come back without a restart once the host answers
 * again. The server reaches the test cluster through a relay (support/tcp_peer.h) whose mode
 * the test switches. SQLite is embedded, so the tests skip on it.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support/accounts.h"
#include "support/tcp_peer.h"

#define TIMEOUT_MS 1000
/* A bound on a hang, not a benchmark: generous, as the test machine may be busy. */
#define BOUND_MS (TIMEOUT_MS + 1000)
/* An answer that did not wait for the database at all. */
#define FAST_MS 300
#define NOT_READY                                                                                  \
    "{\"status\":\"not_ready\",\"database\":\"unreachable\",\"migrations\":\"unknown\","           \
    "\"shutting_down\":false}"

static struct ts_server srv;
static struct ts_peer *peer;

/* Runs after each test, also one that failed an assertion, so nothing outlives it. */
static void stop_all(void)
{
    if (srv.pid > 0 || srv.dir[0] != '\0')
        ts_server_stop(&srv);
    ts_peer_stop(peer);
    peer = NULL;
}

TestSuite(db_faults, .fini = stop_all, .timeout = 120);

/* Starts the relay in `mode` and the server on a fresh database reached through it. */
static void start_via_peer(enum ts_peer_mode mode, const char *const *env)
{
    peer = ts_peer_start_pg(mode);
    ts_db_create(&srv); /* through the cluster's own address */
    ts_peer_url(peer, srv.database_url, srv.database_url, sizeof(srv.database_url));
    ts_server_start_on(&srv, env);
}

/* Sends the request; the answer must be the spec's 503 and arrive within the bound. Returns
 * the time it took. */
static int64_t expect_unavailable(const struct ts_user *u, const char *method, const char *path,
                                  const char *body)
{
    struct ts_resp r;
    int64_t t0 = ts_mono_ms();

    ts_as(&srv, u, method, path, body, &r);
    int64_t spent = ts_mono_ms() - t0;
    cr_assert_eq(r.status, 503, "%s %s: %ld %s", method, path, r.status, r.body);
    cr_assert_lt(spent, BOUND_MS, "%s %s: 503 only after %lld ms", method, path, (long long)spent);
    cr_assert_str_eq(ts_header(&r, "Retry-After") ? ts_header(&r, "Retry-After") : "(none)", "5");
    ts_assert_json(&r, "{\"detail\":\"Service Unavailable\"}");
    ts_resp_free(&r);
    return spent;
}

/*
 * Logs in until the answer comes at once, which shows the circuit breaker counted the
 * failures and opened (5 in a row); pooled connections not yet known to be dead may cost a
 * deadline each first. Every answer is a timely 503.
 */
static void expect_breaker_opens(const char *login)
{
    int64_t spent = BOUND_MS;

    for (int i = 0; i < 10 && spent >= FAST_MS; i++)
        spent = expect_unavailable(NULL, "POST", "/api/v1/auth/login", login);
    cr_assert_lt(spent, FAST_MS, "the circuit breaker did not open");
}

static void expect_not_ready(void)
{
    struct ts_resp r;
    int64_t t0 = ts_mono_ms();

    ts_http(&srv, "GET", "/readyz", NULL, NULL, &r);
    int64_t spent = ts_mono_ms() - t0;
    cr_assert_eq(r.status, 503, "/readyz: %ld %s", r.status, r.body);
    cr_assert_lt(spent, BOUND_MS, "/readyz: 503 only after %lld ms", (long long)spent);
    ts_assert_json(&r, NOT_READY);
    ts_resp_free(&r);
}

static void login_body(const char *email, char *out, size_t size)
{
    snprintf(out, size, "{\"email\":\"%s\",\"password\":\"password123\"}", email);
}

Test(db_faults, silent_database_from_the_start_is_503_within_the_timeout)
{
    static const char *const env[] = {"DB_TIMEOUT_MS=1000", "AUTO_MIGRATE=false", NULL};
    char body[256];

    if (!ts_backend_is_pg())
        cr_skip_test("a silent PostgreSQL host; SQLite is embedded");
    start_via_peer(TS_PEER_SILENT, env);
    login_body("nobody@example.com", body, sizeof(body));
    expect_unavailable(NULL, "POST", "/api/v1/auth/login", body);
    expect_unavailable(NULL, "POST", "/api/v1/auth/register",
                       "{\"email\":\"new@example.com\",\"password\":\"password123\","
                       "\"display_name\":\"New\"}");
    expect_not_ready();
    expect_breaker_opens(body);
    struct ts_resp r;
    ts_http(&srv, "GET", "/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

Test(db_faults, serve_gives_up_on_a_silent_database_instead_of_hanging_at_start)
{
    char url[600], port[32], *out = NULL, *err = NULL;
    const char *args[] = {"serve", NULL};
    const char *env[] = {url, port, "HOST=127.0.0.1", "DB_TIMEOUT_MS=1000", NULL};

    if (!ts_backend_is_pg())
        cr_skip_test("a silent PostgreSQL host; SQLite is embedded");
    peer = ts_peer_start_pg(TS_PEER_SILENT);
    strcpy(url, "DATABASE_URL=");
    ts_peer_url(peer, getenv("TS_TEST_PG_URL"), url + strlen(url), sizeof(url) - strlen(url));
    snprintf(port, sizeof(port), "PORT=%d", ts_free_port());
    int64_t t0 = ts_mono_ms();
    int code = ts_run_cli(args, env, &out, &err); /* migrates first: AUTO_MIGRATE is on */
    int64_t spent = ts_mono_ms() - t0;
    cr_assert_neq(code, 0, "served without a database: %s%s", out, err);
    cr_assert_lt(spent, BOUND_MS, "gave up only after %lld ms", (long long)spent);
    cr_assert(strstr(out, "cannot apply migrations") || strstr(err, "cannot apply migrations"),
              "%s%s", out, err);
    free(out);
    free(err);
}

Test(db_faults, session_going_silent_is_503_within_the_timeout_and_recovers_without_restart)
{
    static const char *const env[] = {"DB_TIMEOUT_MS=1000", NULL};
    struct ts_user u;
    char body[256];

    if (!ts_backend_is_pg())
        cr_skip_test("a silent PostgreSQL host; SQLite is embedded");
    start_via_peer(TS_PEER_FORWARD, env);
    ts_learner(&srv, &u); /* registers and logs in through the relay */
    login_body(u.email, body, sizeof(body));

    /* Pooled connections are established; from now on the host never answers them. */
    ts_peer_set_mode(peer, TS_PEER_SILENT);
    expect_unavailable(NULL, "POST", "/api/v1/auth/login", body);
    expect_unavailable(&u, "GET", "/api/v1/users/me", NULL);
    expect_not_ready();
    expect_breaker_opens(body);

    /* The host answers again: within the breaker's 5 s and a probe, without a restart. */
    ts_peer_set_mode(peer, TS_PEER_FORWARD);
    long status = 0;
    int64_t t0 = ts_mono_ms();
    while (status != 200 && ts_mono_ms() - t0 < 20000) {
        status = ts_login(&srv, u.email, "password123", NULL);
        if (status != 200)
            usleep(200 * 1000);
    }
    cr_assert_eq(status, 200, "login still %ld 20 s after the host answers again", status);
    struct ts_resp r;
    ts_as(&srv, &u, "GET", "/api/v1/users/me", NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
    ts_http(&srv, "GET", "/readyz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

struct blocked {
    const struct ts_user *u;
    long status;
    atomic_bool done;
};

static void *blocked_main(void *arg)
{
    struct blocked *b = arg;
    struct ts_resp r;
    ts_as(&srv, b->u, "GET", "/api/v1/users/me", NULL, &r);
    b->status = r.status;
    ts_resp_free(&r);
    atomic_store(&b->done, true);
    return NULL;
}

/* §14/§17: /healthz (and /metrics) never wait behind requests that wait for the database.
 * With the only handler thread held by a request to a silent host, they still answer, before
 * that request does. */
Test(db_faults, healthz_and_metrics_answer_while_every_handler_waits_for_the_database)
{
    static const char *const env[] = {"DB_TIMEOUT_MS=4000", "WORKER_THREADS=1", NULL};
    struct ts_user u;
    struct blocked b = {.u = &u};
    pthread_t t;

    if (!ts_backend_is_pg())
        cr_skip_test("a silent PostgreSQL host; SQLite is embedded");
    start_via_peer(TS_PEER_FORWARD, env);
    ts_learner(&srv, &u);
    ts_peer_set_mode(peer, TS_PEER_SILENT);
    pthread_create(&t, NULL, blocked_main, &b);
    /* Until the blocked request is in flight beside the scrape itself. */
    bool in_flight = false;
    for (int i = 0; i < 200 && !in_flight; i++) {
        struct ts_resp r;
        ts_http(&srv, "GET", "/metrics", NULL, NULL, &r);
        cr_assert_eq(r.status, 200);
        in_flight = strstr(r.body, "\ntrainsmart_http_requests_in_flight 2\n") != NULL;
        ts_resp_free(&r);
        if (!in_flight)
            usleep(10 * 1000);
    }
    cr_assert(in_flight, "the blocked request never showed as in flight");
    struct ts_resp r;
    ts_http(&srv, "GET", "/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_assert_json(&r, "{\"status\":\"ok\",\"version\":\"1.0.0\"}");
    ts_resp_free(&r);
    cr_assert_not(atomic_load(&b.done), "/healthz answered only after the blocked request");
    pthread_join(t, NULL);
    cr_assert_eq(b.status, 503);
    ts_peer_set_mode(peer, TS_PEER_FORWARD);
    cr_assert_eq(ts_server_stop(&srv), 0);
}
