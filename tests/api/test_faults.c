/*
 * The fault matrix (issue 14, API.md §17; docs/RELIABILITY.md "Fault matrix"): faults injected
 * while a write load runs (support/load.h), each followed by an audit of every acknowledged
 * write through the API. PostgreSQL restarted (fast and immediate) on a private cluster; the
 * server killed with SIGKILL and started again on the same database; SIGTERM with notification
 * streams open; the pool exhausted by statements held behind a lock of another connection; a
 * full disk under SQLite; and the clock jumping (FAULT_CLOCK_FILE) during check-ins and
 * due-soon scans.
 *
 * Time bounds here are bounds on a hang, never benchmarks: generous constants, as the test
 * machine may be busy (and the server may run under ThreadSanitizer).
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/load.h"
#include "support/modules.h"
#include "support/sse.h"

#define TIMEOUT_MS 1000
/* A 503 must come within DB_TIMEOUT_MS + 1 s (§17); a second more for a busy machine. */
#define BOUND_MS (TIMEOUT_MS + 2000)
#define LOAD_THREADS 4

static struct ts_server srv;
static struct ts_load load;
static char cluster_dir[300]; /* a private PostgreSQL cluster, or "" */
static char mount_dir[300];   /* a mounted small filesystem, or "" */

static void stop_all(void)
{
    if (srv.pid > 0 || srv.dir[0] != '\0')
        ts_server_stop(&srv);
    ts_load_free(&load);
    if (mount_dir[0] != '\0') {
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "umount '%s' 2>/dev/null", mount_dir);
        (void)!system(cmd);
        mount_dir[0] = '\0';
    }
}

TestSuite(faults, .fini = stop_all, .timeout = 120);

static void sleep_ms(int ms)
{
    usleep((useconds_t)ms * 1000);
}

/* Polls /readyz until 200 (at most `max_ms`); returns the time it took, or -1. */
static int64_t wait_ready(const struct ts_server *s, int max_ms)
{
    int64_t t0 = ts_load_now_ms();
    while (ts_load_now_ms() - t0 < max_ms) {
        struct ts_resp r;
        ts_http(s, "GET", "/readyz", NULL, NULL, &r);
        long status = r.status;
        ts_resp_free(&r);
        if (status == 200)
            return ts_load_now_ms() - t0;
        sleep_ms(50);
    }
    return -1;
}

/* Waits for the server's exit (at most `max_ms`); returns the exit status word, or -1. */
static int wait_exit(struct ts_server *s, int max_ms, int64_t *spent)
{
    int64_t t0 = ts_load_now_ms();
    int status = 0;
    while (waitpid(s->pid, &status, WNOHANG) == 0) {
        if (ts_load_now_ms() - t0 > max_ms)
            return -1;
        sleep_ms(10);
    }
    *spent = ts_load_now_ms() - t0;
    s->pid = 0;
    return status;
}

/* The SQLite file behind s->database_url. */
static const char *sqlite_path(const struct ts_server *s)
{
    return s->database_url + strlen("sqlite:");
}

/* SQLite's own consistency check of the database file. */
static void assert_sqlite_intact(const struct ts_server *s)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_open_v2(sqlite_path(s), &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* --- 1. PostgreSQL restarted under load ---------------------------------------------------- */

/*
 * A cluster of the test's own, the server on it, a load of LOAD_THREADS writers; one second in,
 * `pg_ctl restart -m <mode>`. The load runs on until the server is ready again and a second
 * longer. Every reply is 2xx or the spec's 503 (never 500, never without a status), the
 * server becomes ready again by itself, and the audit finds every acknowledged write.
 */
static void restart_postgres_under_load(const char *mode)
{
    static const char *const env[] = {"DB_TIMEOUT_MS=1000", "DB_POOL_SIZE=4", NULL};
    char label[64];

    if (!ts_backend_is_pg())
        cr_skip_test("a PostgreSQL restart; SQLite is embedded");
    memset(&srv, 0, sizeof(srv));
    ts_scratch_dir(srv.dir, sizeof(srv.dir), "ts-pgrestart");
    cr_assert_eq(chmod(srv.dir, 0755), 0, "the cluster runs as another user");
    snprintf(srv.log_path, sizeof(srv.log_path), "%s/server.log", srv.dir);
    snprintf(cluster_dir, sizeof(cluster_dir), "%s/pg", srv.dir);
    int port = ts_free_port();
    cr_assert_eq(ts_pg_cluster("start", cluster_dir, port), 0);
    snprintf(srv.database_url, sizeof(srv.database_url),
             "postgresql://trainsmart@127.0.0.1:%d/postgres", port);
    /* The test clusters run with synchronous_commit=off (scripts/pg-cluster.sh), which
     * acknowledges a commit before its WAL is written: a crash (immediate shutdown) then
     * loses the last commits by design. Production's default is on, and so is this database. */
    PGconn *pg = PQconnectdb(srv.database_url);
    cr_assert_eq(PQstatus(pg), CONNECTION_OK, "%s", PQerrorMessage(pg));
    PGresult *res = PQexec(pg, "ALTER DATABASE postgres SET synchronous_commit = on");
    cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(pg));
    PQclear(res);
    PQfinish(pg);
    ts_server_start_on(&srv, env);
    ts_load_setup(&load, &srv, LOAD_THREADS);

    ts_load_start(&load);
    sleep_ms(1000);
    char cmd[32];
    snprintf(cmd, sizeof(cmd), "restart-%s", mode);
    int64_t t0 = ts_load_now_ms();
    cr_assert_eq(ts_pg_cluster(cmd, cluster_dir, port), 0);
    int64_t restarted = ts_load_now_ms() - t0;
    int64_t ready = wait_ready(&srv, 20000);
    sleep_ms(1000);
    ts_load_stop(&load);
    snprintf(label, sizeof(label), "faults: postgres restart -m %s", mode);
    ts_load_report(&load, label);
    fprintf(stderr, "%s: pg_ctl restart took %lld ms, ready again %lld ms after it returned\n",
            label, (long long)restarted, (long long)ready);
    cr_assert_geq(ready, 0, "not ready again within 20 s of the restart");
    ts_load_assert_replies(&load, false, false);
    cr_assert_gt(ts_load_count(&load, 2), 0);

    /* Writes work again: a new one of each kind (the audit reads them back too). */
    int extra = ts_load_audit(&load, &srv);
    fprintf(stderr, "%s: %d write(s) committed without their answer\n", label, extra);

    char dir[sizeof(srv.dir)];
    snprintf(dir, sizeof(dir), "%s", srv.dir);
    srv.dir[0] = '\0'; /* removed below, once the cluster in it has stopped */
    int code = ts_server_stop(&srv);
    ts_pg_cluster("stop", cluster_dir, port);
    cluster_dir[0] = '\0';
    char rm[400];
    snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
    cr_assert_eq(system(rm), 0);
    cr_assert_eq(code, 0);
}

Test(faults, postgres_fast_restart_under_load_loses_no_acknowledged_write)
{
    restart_postgres_under_load("fast");
}

Test(faults, postgres_immediate_restart_under_load_loses_no_acknowledged_write)
{
    restart_postgres_under_load("immediate");
}

/* --- 2. SIGKILL under load ------------------------------------------------------------------ */

/*
 * The server killed outright mid-load. Replies before the kill are 2xx or 503; requests in
 * flight at the kill get no status, those after it find no server. The next `serve` on the
 * same database starts clean (migrations current, ready; on SQLite the file passes
 * integrity_check) and holds every write that was answered 2xx.
 */
Test(faults, sigkill_under_load_then_clean_start_with_every_acknowledged_write)
{
    ts_server_start(&srv, NULL);
    ts_load_setup(&load, &srv, LOAD_THREADS);
    ts_load_start(&load);
    sleep_ms(1500);
    cr_assert_eq(kill(srv.pid, SIGKILL), 0);
    int64_t spent;
    int status = wait_exit(&srv, 10000, &spent);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %d", status);
    sleep_ms(300);
    ts_load_stop(&load);
    ts_load_report(&load, "faults: sigkill");
    ts_load_assert_replies(&load, true, true);
    cr_assert_gt(ts_load_count(&load, 2), 0);

    if (!ts_backend_is_pg())
        assert_sqlite_intact(&srv);
    ts_server_start_on(&srv, NULL);
    struct ts_resp r;
    ts_http(&srv, "GET", "/readyz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_assert_json(&r, "{\"status\":\"ready\",\"database\":\"ok\",\"migrations\":\"current\","
                       "\"shutting_down\":false}");
    ts_resp_free(&r);
    ts_load_retarget(&load, &srv);
    int extra = ts_load_audit(&load, &srv);
    fprintf(stderr, "faults: sigkill: %d write(s) committed without their answer\n", extra);
    if (!ts_backend_is_pg())
        assert_sqlite_intact(&srv);
    cr_assert_eq(ts_server_stop(&srv), 0);
}
