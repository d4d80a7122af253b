/*
 * The fault matrix (issue 14, API.md §17; docs/RELIABILITY.md "Fault matrix"): faults injected
 * while a write load runs (support/load.h), each followed by an audit of every acknowledged
 * write through the API. PostgreSQL restarted (fast and immediate) on a private cluster; the
 * server killed with SIGKILL and started again on the same database; SIGTERM with notification
 * streams open; the pool exhausted by statements held behind a lock of another connection; a
 * full disk under SQLite; the clock jumping (FAULT_CLOCK_FILE) during check-ins and due-soon
 * scans; and SIGTERM while a request or the due-soon scan waits on a lock.
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
/*
 * §17 wants a 503 within DB_TIMEOUT_MS + 1 s, also for a request that waited for a pooled
 * connection until just before its acquire deadline and then meets the lock: its statements get
 * only what is left of the timeout (db_acquire()).
 */
#define BOUND_MS (TIMEOUT_MS + 1000)
#define LOAD_THREADS 4

static struct ts_server srv;
static struct ts_load load;
static char cluster_dir[300]; /* a private PostgreSQL cluster, or "" */
static char mount_dir[400];   /* a mounted small filesystem, or "" */

/* Runs after each test, also one that failed an assertion: the server, then the cluster or
 * the mount inside its scratch directory, then the directory. */
static void stop_all(void)
{
    char dir[sizeof(srv.dir)] = "", cmd[500];

    if (cluster_dir[0] != '\0' || mount_dir[0] != '\0') {
        snprintf(dir, sizeof(dir), "%s", srv.dir);
        srv.dir[0] = '\0';
    }
    if (srv.pid > 0 || srv.dir[0] != '\0')
        ts_server_stop(&srv);
    ts_load_free(&load);
    if (cluster_dir[0] != '\0') {
        ts_pg_cluster("kill", cluster_dir, 0);
        cluster_dir[0] = '\0';
    }
    if (mount_dir[0] != '\0') {
        snprintf(cmd, sizeof(cmd), "umount '%s' 2>/dev/null", mount_dir);
        (void)!system(cmd);
        mount_dir[0] = '\0';
    }
    if (dir[0] != '\0') {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        (void)!system(cmd);
    }
}

TestSuite(faults, .fini = stop_all, .timeout = 120);

/* Polls /readyz until 200 (at most `max_ms`); returns the time it took, or -1. */
static int64_t wait_ready(const struct ts_server *s, int max_ms)
{
    int64_t t0 = ts_mono_ms();
    while (ts_mono_ms() - t0 < max_ms) {
        struct ts_resp r;
        ts_http(s, "GET", "/readyz", NULL, NULL, &r);
        long status = r.status;
        ts_resp_free(&r);
        if (status == 200)
            return ts_mono_ms() - t0;
        ts_sleep_ms(50);
    }
    return -1;
}

/* Waits for the server's exit (at most `max_ms`); returns the exit status word, or -1. */
static int wait_exit(struct ts_server *s, int max_ms, int64_t *spent)
{
    int64_t t0 = ts_mono_ms();
    int status = 0;
    while (waitpid(s->pid, &status, WNOHANG) == 0) {
        if (ts_mono_ms() - t0 > max_ms)
            return -1;
        ts_sleep_ms(10);
    }
    *spent = ts_mono_ms() - t0;
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

/* One restart under load: the load runs 0.5 s, `pg_ctl restart -m <mode>`, the load runs on
 * until the server is ready again and 0.5 s more; then the replies and the audit. */
static void restart_phase(const char *mode, int port)
{
    char label[64], cmd[32];

    ts_load_start(&load);
    ts_sleep_ms(500);
    snprintf(cmd, sizeof(cmd), "restart-%s", mode);
    int64_t t0 = ts_mono_ms();
    int64_t since = t0 - load.t0_ms;
    cr_assert_eq(ts_pg_cluster(cmd, cluster_dir, port), 0);
    int64_t restarted = ts_mono_ms() - t0;
    int64_t ready = wait_ready(&srv, 20000);
    ts_sleep_ms(500);
    ts_load_stop(&load);
    snprintf(label, sizeof(label), "faults: postgres restart -m %s", mode);
    ts_load_report(&load, label);
    fprintf(stderr, "%s: pg_ctl restart took %lld ms, ready again %lld ms after it returned\n",
            label, (long long)restarted, (long long)ready);
    cr_assert_geq(ready, 0, "not ready again within 20 s of the restart");
    ts_load_assert_replies(&load, false, false);
    cr_assert_gt(ts_load_count_since(&load, 2, since + restarted), 0,
                 "no write succeeded after the restart");
    int extra = ts_load_audit(&load, &srv);
    fprintf(stderr, "%s: %d write(s) committed without their answer\n", label, extra);
    ts_load_free(&load); /* the next phase's replies on their own */
}

/*
 * A cluster of the test's own, the server on it, a load of LOAD_THREADS writers, and two
 * restarts: `pg_ctl restart -m fast`, then `-m immediate` (the postmaster killed, crash
 * recovery at start). Each time, every reply is 2xx or the spec's 503 (never 500, never
 * without a status), writes succeed again without restarting trainsmart, and the audit finds
 * every acknowledged write.
 */
Test(faults, postgres_restarts_fast_and_immediate_under_load_lose_no_acknowledged_write)
{
    static const char *const env[] = {"DB_TIMEOUT_MS=1000", "DB_POOL_SIZE=4", NULL};

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

    restart_phase("fast", port);
    restart_phase("immediate", port);

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
    ts_sleep_ms(1500);
    cr_assert_eq(kill(srv.pid, SIGKILL), 0);
    int64_t spent;
    int status = wait_exit(&srv, 10000, &spent);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %d", status);
    ts_sleep_ms(300);
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

/* --- 3. SIGTERM under load, streams open ----------------------------------------------------- */

#define GRACE_S 4

/*
 * SIGTERM while LOAD_THREADS writers run and each of their learners holds a notification
 * stream. Every request gets a status (2xx, or 503 with Retry-After once draining) or finds
 * the listening socket closed (refused before anything was sent): none that had been sent
 * loses its reply. Every stream ends, the process exits 0 within SHUTDOWN_GRACE_SECONDS, and
 * the next start holds every acknowledged write.
 */
Test(faults, sigterm_under_load_answers_every_request_closes_streams_and_exits_0_in_time)
{
    static const char *const env[] = {"SHUTDOWN_GRACE_SECONDS=4", NULL};
    struct ts_sse streams[LOAD_THREADS];

    ts_server_start(&srv, env);
    ts_load_setup(&load, &srv, LOAD_THREADS);
    for (int i = 0; i < LOAD_THREADS; i++) {
        const char *h[] = {load.threads[i].user.auth, NULL};
        long st = ts_sse_open(&streams[i], &srv, "/api/v1/notifications/stream", h, 5000);
        cr_assert_eq(st, 200, "stream %d: %ld", i, st);
    }
    ts_load_start(&load);
    ts_sleep_ms(1000);
    int64_t t0 = ts_mono_ms();
    cr_assert_eq(kill(srv.pid, SIGTERM), 0);
    for (int i = 0; i < LOAD_THREADS; i++) {
        cr_assert(ts_sse_wait_end(&streams[i], GRACE_S * 1000), "stream %d still open", i);
        ts_sse_close(&streams[i]);
    }
    int64_t streams_closed = ts_mono_ms() - t0, spent;
    int status = wait_exit(&srv, GRACE_S * 1000 + 10000, &spent);
    int64_t exited = ts_mono_ms() - t0;
    ts_load_stop(&load);
    ts_load_report(&load, "faults: sigterm");
    fprintf(stderr, "faults: sigterm: streams closed after %lld ms, exit after %lld ms\n",
            (long long)streams_closed, (long long)exited);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
    /* The bound plus the 10 ms of polling and a busy machine's scheduling. */
    cr_assert_leq(exited, GRACE_S * 1000 + 500, "exit %lld ms after SIGTERM", (long long)exited);
    ts_load_assert_replies(&load, true, false);
    cr_assert_gt(ts_load_count(&load, 2), 0);

    ts_server_start_on(&srv, NULL);
    ts_load_retarget(&load, &srv);
    int extra = ts_load_audit(&load, &srv);
    fprintf(stderr, "faults: sigterm: %d write(s) committed without their answer\n", extra);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

/* --- 4. The pool exhausted by slow statements ---------------------------------------------- */

#define POOL_CLIENTS 8

struct pool_client {
    const struct ts_user *u;
    const char *module_id;
    long status;
    char retry_after[8];
    int64_t spent_ms;
};

static void *pool_client_main(void *arg)
{
    struct pool_client *c = arg;
    char path[128];
    struct ts_resp r;

    snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback", c->module_id);
    int64_t t0 = ts_mono_ms();
    ts_as(&srv, c->u, "POST", path, "{\"rating\":4,\"comment\":\"blocked\"}", &r);
    c->spent_ms = ts_mono_ms() - t0;
    c->status = r.status;
    const char *ra = ts_header(&r, "Retry-After");
    snprintf(c->retry_after, sizeof(c->retry_after), "%s", ra ? ra : "");
    ts_resp_free(&r);
    return NULL;
}

/* A second connection to the server's database holding what writes to `table` need: on
 * PostgreSQL an exclusive lock on the table (reads of it wait too), on SQLite the write lock
 * (BEGIN IMMEDIATE), which every write waits for. */
struct lock_holder {
    PGconn *pg;
    sqlite3 *lite;
};

static void hold_lock(struct lock_holder *h, const char *table)
{
    memset(h, 0, sizeof(*h));
    if (ts_backend_is_pg()) {
        char sql[128];
        h->pg = PQconnectdb(srv.database_url);
        cr_assert_eq(PQstatus(h->pg), CONNECTION_OK, "%s", PQerrorMessage(h->pg));
        snprintf(sql, sizeof(sql), "BEGIN; LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", table);
        PGresult *r = PQexec(h->pg, sql);
        cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(h->pg));
        PQclear(r);
        return;
    }
    cr_assert_eq(sqlite3_open(sqlite_path(&srv), &h->lite), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h->lite, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
}

static void release_lock(struct lock_holder *h)
{
    if (h->pg != NULL) {
        PQclear(PQexec(h->pg, "ROLLBACK"));
        PQfinish(h->pg);
    }
    if (h->lite != NULL) {
        sqlite3_exec(h->lite, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(h->lite);
    }
}

static size_t feedback_count(void)
{
    char path[128];
    struct ts_resp r;
    snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback/summary", load.module_id);
    ts_as(&srv, &load.author, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    size_t n = (size_t)json_integer_value(json_object_get(r.json, "count"));
    ts_resp_free(&r);
    return n;
}

/*
 * DB_POOL_SIZE=2 and POOL_CLIENTS feedback writes at once, while another connection holds the
 * lock they need: the two that got a connection wait on the lock until the statement timeout,
 * the rest wait for a connection until the acquire timeout, and one that gets a connection
 * late has only the rest of its timeout for the lock. Each gets the spec's 503 in time,
 * none is written, /healthz answers throughout, and once the lock is released the same
 * requests succeed without a restart.
 */
Test(faults, pool_exhausted_by_slow_statements_is_503_in_time_and_recovers)
{
    static const char *const env[] = {"DB_POOL_SIZE=2", "DB_TIMEOUT_MS=1000", "WORKER_THREADS=8",
                                      NULL};
    struct pool_client clients[POOL_CLIENTS];
    pthread_t threads[POOL_CLIENTS];
    struct lock_holder lock;

    ts_server_start(&srv, env);
    ts_load_setup(&load, &srv, 2);
    size_t before = feedback_count();
    hold_lock(&lock, "feedback");
    for (int i = 0; i < POOL_CLIENTS; i++) {
        clients[i] =
            (struct pool_client){.u = &load.threads[i % 2].user, .module_id = load.module_id};
        cr_assert_eq(pthread_create(&threads[i], NULL, pool_client_main, &clients[i]), 0);
    }
    /* Liveness never waits for the database. */
    int healthz = 0;
    for (int64_t t0 = ts_mono_ms(); ts_mono_ms() - t0 < TIMEOUT_MS + 500; healthz++) {
        struct ts_resp r;
        int64_t t1 = ts_mono_ms();
        ts_http(&srv, "GET", "/healthz", NULL, NULL, &r);
        cr_assert_eq(r.status, 200);
        cr_assert_lt(ts_mono_ms() - t1, BOUND_MS);
        ts_resp_free(&r);
        ts_sleep_ms(50);
    }
    int64_t slowest = 0;
    for (int i = 0; i < POOL_CLIENTS; i++) {
        pthread_join(threads[i], NULL);
        cr_assert_eq(clients[i].status, 503, "client %d: %ld", i, clients[i].status);
        cr_assert_str_eq(clients[i].retry_after, "5");
        cr_assert_lt(clients[i].spent_ms, BOUND_MS, "client %d: 503 after %lld ms", i,
                     (long long)clients[i].spent_ms);
        if (clients[i].spent_ms > slowest)
            slowest = clients[i].spent_ms;
    }
    fprintf(stderr, "faults: pool: %d x 503, slowest after %lld ms; /healthz 200 x %d\n",
            POOL_CLIENTS, (long long)slowest, healthz);
    release_lock(&lock);

    /* Back at once, no restart: the same writes succeed, and none of the refused ones was
     * written. */
    for (int i = 0; i < POOL_CLIENTS; i++) {
        cr_assert_eq(pthread_create(&threads[i], NULL, pool_client_main, &clients[i]), 0);
    }
    for (int i = 0; i < POOL_CLIENTS; i++) {
        pthread_join(threads[i], NULL);
        cr_assert_eq(clients[i].status, 201, "client %d after the release: %ld", i,
                     clients[i].status);
    }
    cr_assert_eq(feedback_count(), before + POOL_CLIENTS);

    /* A shortened statement bound stays with the request that waited: a write alone on a
     * locked table again waits its whole DB_TIMEOUT_MS before the 503 (a lower bound, which a
     * slow machine only makes easier to meet). */
    hold_lock(&lock, "feedback");
    for (int i = 0; i < 2; i++) { /* one on each pooled connection */
        pool_client_main(&clients[i]);
        cr_assert_eq(clients[i].status, 503, "alone on the lock: %ld", clients[i].status);
        cr_assert_geq(clients[i].spent_ms, TIMEOUT_MS - 50, "503 after %lld ms only",
                      (long long)clients[i].spent_ms);
    }
    release_lock(&lock);
    cr_assert_eq(feedback_count(), before + POOL_CLIENTS);
    cr_assert_geq(wait_ready(&srv, 1000), 0);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

/* --- 5. A full disk under SQLite ------------------------------------------------------------ */

/*
 * Mounts a small filesystem at `mnt`: an ext4 image on a loop device, else a size-limited
 * tmpfs. Returns its kind, or NULL when neither can be mounted here.
 */
static const char *mount_small_fs(const char *dir, const char *mnt)
{
    char cmd[1200];

    snprintf(cmd, sizeof(cmd),
             "mkdir -p '%s' && truncate -s 8M '%s/disk.img' && "
             "mkfs.ext4 -q -F -m 0 -b 1024 '%s/disk.img' >/dev/null 2>&1 && "
             "mount -o loop '%s/disk.img' '%s' 2>/dev/null",
             mnt, dir, dir, dir, mnt);
    if (system(cmd) == 0)
        return "ext4 image on a loop device (8 MiB)";
    snprintf(cmd, sizeof(cmd), "mount -t tmpfs -o size=8m tmpfs '%s' 2>/dev/null", mnt);
    if (system(cmd) == 0)
        return "tmpfs (8 MiB)";
    return NULL;
}

/*
 * The database on a small filesystem that a file then fills to the last block; a write load
 * runs against it. Writes that find no space get the spec's 503 with Retry-After (never 500,
 * docs/DECISIONS.md "A full disk is 503"), reads keep working, and once the file is removed
 * writes succeed again without a restart. Every acknowledged write is there and the file
 * passes integrity_check, also after a restart.
 */
Test(faults, sqlite_full_disk_is_503_reads_work_and_nothing_is_lost)
{
    static const char *const env[] = {"DB_TIMEOUT_MS=1000", NULL};
    char mnt[300], filler[350], cmd[1400];

    if (ts_backend_is_pg())
        cr_skip_test("a full disk under SQLite; PostgreSQL's disk is its own");
    memset(&srv, 0, sizeof(srv));
    ts_scratch_dir(srv.dir, sizeof(srv.dir), "ts-fulldisk");
    snprintf(srv.log_path, sizeof(srv.log_path), "%s/server.log", srv.dir);
    snprintf(mnt, sizeof(mnt), "%s/mnt", srv.dir);
    const char *kind = mount_small_fs(srv.dir, mnt);
    if (kind == NULL)
        cr_skip_test("neither a loop device nor a tmpfs can be mounted here (not root?)");
    snprintf(mount_dir, sizeof(mount_dir), "%s", mnt);
    snprintf(srv.database_url, sizeof(srv.database_url), "sqlite:%s/trainsmart.db", mnt);
    ts_server_start_on(&srv, env);
    ts_load_setup(&load, &srv, 2);

    /* Full to the last block but for 512 KiB, which the load's first writes then take. */
    snprintf(filler, sizeof(filler), "%s/filler", mnt);
    snprintf(cmd, sizeof(cmd),
             "dd if=/dev/zero of='%s/slack' bs=1k count=512 >/dev/null 2>&1 && "
             "{ dd if=/dev/zero of='%s' bs=4k >/dev/null 2>&1; rm '%s/slack'; }",
             mnt, filler, mnt);
    cr_assert_eq(system(cmd), 0); /* the second dd ends with ENOSPC */
    ts_load_start(&load);
    ts_sleep_ms(2000);
    ts_load_stop(&load);
    ts_load_report(&load, "faults: full disk");
    ts_load_assert_replies(&load, false, false);
    size_t refused = ts_load_count(&load, 503);
    cr_assert_gt(refused, 0, "the writes never found the disk full");

    /* Reads work on the full disk. */
    const struct ts_user *u = &load.threads[0].user;
    char path[200];
    cr_assert_eq(ts_status_as(&srv, u, "GET", "/api/v1/users/me", NULL), 200);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/progress", load.module_id);
    cr_assert_eq(ts_status_as(&srv, u, "GET", path, NULL), 200);
    cr_assert_eq(ts_status_as(&srv, u, "GET", "/api/v1/notifications?limit=5", NULL), 200);

    /* Space again: writes succeed without a restart. */
    cr_assert_eq(unlink(filler), 0);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback", load.module_id);
    cr_assert_eq(ts_status_as(&srv, u, "POST", path, "{\"rating\":5}"), 201);
    int extra = ts_load_audit(&load, &srv);
    fprintf(stderr, "faults: full disk on %s: %d write(s) committed without their answer\n", kind,
            extra);
    assert_sqlite_intact(&srv);

    /* And after a restart. */
    char dir[sizeof(srv.dir)];
    snprintf(dir, sizeof(dir), "%s", srv.dir);
    cr_assert_eq(kill(srv.pid, SIGTERM), 0);
    int64_t spent;
    int status = wait_exit(&srv, 20000, &spent);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
    assert_sqlite_intact(&srv);
    ts_server_start_on(&srv, env);
    ts_load_audit(&load, &srv);
    srv.dir[0] = '\0'; /* removed below, once unmounted */
    cr_assert_eq(ts_server_stop(&srv), 0);
    snprintf(cmd, sizeof(cmd), "umount '%s' && rm -rf '%s'", mnt, dir);
    cr_assert_eq(system(cmd), 0);
    mount_dir[0] = '\0';
}

/* --- 6. Clock jumps ----------------------------------------------------------------------- */

static char clock_dir[300], clock_path[350], clock_env[400];

/* The server's clock (FAULT_CLOCK_FILE): an instant it stands still at, written beside the
 * file and renamed over it, so the server never reads half a file. */
static void set_clock(const char *instant)
{
    ts_write_file_atomic(clock_path, instant);
}

static void clock_setup(const char *instant)
{
    ts_scratch_dir(clock_dir, sizeof(clock_dir), "ts-clock");
    snprintf(clock_path, sizeof(clock_path), "%s/now", clock_dir);
    snprintf(clock_env, sizeof(clock_env), "FAULT_CLOCK_FILE=%s", clock_path);
    set_clock(instant);
}

static void clock_teardown(void)
{
    unlink(clock_path);
    rmdir(clock_dir);
}

/* POST /checkins as `u`; the status, and the check-in's (or the 409's) id and date. */
static long checkin(const struct ts_user *u, char id[40], char date[16])
{
    struct ts_resp r;
    ts_as(&srv, u, "POST", "/api/v1/checkins", "{\"mood\":4,\"confidence\":3}", &r);
    long status = r.status;
    const char *i = json_string_value(json_object_get(r.json, status == 201 ? "id" : "checkin_id"));
    const char *d = json_string_value(json_object_get(r.json, "date"));
    snprintf(id, 40, "%s", i ? i : "");
    snprintf(date, 16, "%s", d ? d : "");
    cr_assert(status == 201 || status == 409, "check-in: %ld %s", status, r.body);
    ts_resp_free(&r);
    return status;
}

/* Asserts the streak: current, longest, today and today_done. */
static void assert_streak(const struct ts_user *u, int current, int longest, const char *today)
{
    struct ts_resp r;
    ts_as(&srv, u, "GET", "/api/v1/checkins/streak", NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "current_streak")), current, "%s",
                 r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "longest_streak")), longest, "%s",
                 r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "today")), today, "%s", r.body);
    cr_assert(json_is_true(json_object_get(r.json, "today_done")), "%s", r.body);
    ts_resp_free(&r);
}

struct racer {
    const struct ts_user *u;
    long status;
};

static void *racer_main(void *arg)
{
    struct racer *r = arg;
    struct ts_resp resp;
    ts_as(&srv, r->u, "POST", "/api/v1/checkins", "{\"mood\":2,\"confidence\":2}", &resp);
    r->status = resp.status;
    ts_resp_free(&resp);
    return NULL;
}

/* Starts the server with `env` and a learner in Europe/Berlin, whose local midnight the clock
 * tests cross. */
static void start_with_berlin_learner(const char *const *env, struct ts_user *u)
{
    ts_server_start(&srv, env);
    ts_learner(&srv, u);
    cr_assert_eq(
        ts_status_as(&srv, u, "PATCH", "/api/v1/users/me", "{\"timezone\":\"Europe/Berlin\"}"),
        200);
}

/*
 * A learner in Europe/Berlin (UTC+1) checks in at 23:30 local; the clock then jumps an hour
 * forward across their midnight, two hours back before it, a day forward, and on. Each
 * check-in is dated by the clock at that moment, one per local day whatever the order the
 * days come in (a backward jump finds the day already done: 409 with its id), a check-in dated
 * "tomorrow" by the clock cannot be edited, the streak follows, and nothing answers 500. After
 * a last jump, racing check-ins still make exactly one.
 */
Test(faults, clock_jumps_during_checkins_keep_one_per_day_and_the_streak)
{
    char id1[40], id2[40], id[40], date[16];

    clock_setup("2026-12-05T22:30:00.000Z");
    const char *env[] = {clock_env, "TOKEN_TTL_SECONDS=2592000", NULL};
    struct ts_user u;
    start_with_berlin_learner(env, &u);

    cr_assert_eq(checkin(&u, id1, date), 201);
    cr_assert_str_eq(date, "2026-12-05");
    cr_assert_eq(checkin(&u, id, date), 409);
    cr_assert_str_eq(id, id1);

    set_clock("2026-12-05T23:30:00.000Z"); /* +1 h: 00:30 on the 6th in Berlin */
    cr_assert_eq(checkin(&u, id2, date), 201);
    cr_assert_str_eq(date, "2026-12-06");
    assert_streak(&u, 2, 2, "2026-12-06");

    set_clock("2026-12-05T21:30:00.000Z"); /* -2 h: 22:30 on the 5th again */
    cr_assert_eq(checkin(&u, id, date), 409);
    cr_assert_str_eq(id, id1);
    assert_streak(&u, 1, 2, "2026-12-05");
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/checkins/%s", id2);
    cr_assert_eq(ts_status_as(&srv, &u, "PATCH", path, "{\"note\":\"from tomorrow\"}"), 409);
    snprintf(path, sizeof(path), "/api/v1/checkins/%s", id1);
    cr_assert_eq(ts_status_as(&srv, &u, "PATCH", path, "{\"note\":\"today\"}"), 200);

    set_clock("2026-12-06T22:30:00.000Z"); /* +1 day: 23:30 on the 6th */
    cr_assert_eq(checkin(&u, id, date), 409);
    cr_assert_str_eq(id, id2);
    assert_streak(&u, 2, 2, "2026-12-06");

    set_clock("2026-12-07T12:00:00.000Z");
    cr_assert_eq(checkin(&u, id, date), 201);
    cr_assert_str_eq(date, "2026-12-07");
    assert_streak(&u, 3, 3, "2026-12-07");

    /* Racers just after a jump to the next day: exactly one 201. */
    set_clock("2026-12-08T06:00:00.000Z");
    struct racer racers[6];
    pthread_t threads[6];
    for (int i = 0; i < 6; i++) {
        racers[i] = (struct racer){.u = &u};
        cr_assert_eq(pthread_create(&threads[i], NULL, racer_main, &racers[i]), 0);
    }
    int created = 0;
    for (int i = 0; i < 6; i++) {
        pthread_join(threads[i], NULL);
        cr_assert(racers[i].status == 201 || racers[i].status == 409, "%ld", racers[i].status);
        created += racers[i].status == 201;
    }
    cr_assert_eq(created, 1);
    assert_streak(&u, 4, 4, "2026-12-08");
    cr_assert_eq(ts_server_stop(&srv), 0);
    clock_teardown();
}

static int scans_done(void)
{
    char *log = ts_server_log(&srv);
    int n = ts_count(log, "due-soon scan done");
    free(log);
    return n;
}

/* Waits (at most 30 s) until the scheduler has finished `more` further scans. */
static void wait_scans(int more)
{
    int want = scans_done() + more;
    for (int i = 0; i < 300 && scans_done() < want; i++)
        ts_sleep_ms(100);
    cr_assert_geq(scans_done(), want, "the scheduler keeps scanning");
}

static size_t reminders(const struct ts_user *u)
{
    return ts_count_notifications(&srv, u, "assignment_due_soon");
}

static void assign(const struct ts_user *author, const char *mid, const struct ts_user *u,
                   const char *due)
{
    char body[300];
    snprintf(body, sizeof(body), "{\"module_id\":\"%s\",\"user_id\":\"%s\",\"due_at\":\"%s\"}", mid,
             u->id, due);
    cr_assert_eq(ts_status_as(&srv, author, "POST", "/api/v1/assignments", body), 201);
}

/*
 * The due-soon tests' server: the clock at 2026-12-05T12:00Z (FAULT_CLOCK_FILE), a scan every
 * second with a one-hour window, debug logs (for each scan's "done" line) and the settings of
 * `extra` (NULL-terminated, or NULL); an author with a published linear module `mid`, and `n`
 * learners. Returns the environment, for a restart on the same database.
 */
static const char *const *start_due_soon(const char *const *extra, struct ts_user *author,
                                         char mid[STR_UUID_SIZE], struct ts_user *learners, int n)
{
    static const char *env[16];
    const char *const base[] = {"TOKEN_TTL_SECONDS=2592000", "SCHEDULER_INTERVAL_SECONDS=1",
                                "DUE_SOON_WINDOW_SECONDS=3600", "LOG_LEVEL=debug", NULL};
    char qid[STR_UUID_SIZE];
    struct ts_user admin;
    size_t k = 0;

    clock_setup("2026-12-05T12:00:00.000Z");
    env[k++] = clock_env;
    for (size_t i = 0; base[i] != NULL; i++)
        env[k++] = base[i];
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
        cr_assert_lt(k, sizeof(env) / sizeof(env[0]) - 1);
        env[k++] = extra[i];
    }
    env[k] = NULL;
    ts_server_start(&srv, env);
    ts_admin(&srv, &admin);
    ts_user_with_role(&srv, &admin, "author", author);
    for (int i = 0; i < n; i++)
        ts_learner(&srv, &learners[i]);
    ts_linear_module(&srv, author, mid, qid);
    return env;
}

/*
 * The due-soon scan (every second, a one-hour window, §11: due_at in (now, now + window]) while
 * the clock jumps. A forward jump over the start of the window still finds the assignment: one
 * reminder. A backward jump out of the window and forward into it again sends none twice. An
 * assignment whose due time a jump passes entirely is overdue, not due soon, and gets none.
 */
Test(faults, clock_jumps_during_due_soon_scans_fire_each_reminder_once)
{
    char mid[STR_UUID_SIZE];
    struct ts_user author, learners[3];
    struct ts_user *a = &learners[0], *b = &learners[1], *c = &learners[2];

    start_due_soon(NULL, &author, mid, learners, 3);
    assign(&author, mid, a, "2026-12-05T15:00:00.000Z");
    assign(&author, mid, b, "2026-12-05T17:00:00.000Z");
    assign(&author, mid, c, "2026-12-05T18:00:00.000Z");
    wait_scans(2);
    cr_assert_eq(reminders(a), 0);

    set_clock("2026-12-05T14:30:00.000Z"); /* +2.5 h, past the window's start (14:00) */
    for (int i = 0; i < 300 && reminders(a) < 1; i++)
        ts_sleep_ms(100);
    cr_assert_eq(reminders(a), 1, "the forward jump lost the reminder");

    set_clock("2026-12-05T12:00:00.000Z"); /* back out of the window */
    wait_scans(2);
    set_clock("2026-12-05T14:45:00.000Z"); /* and into it again */
    wait_scans(2);
    cr_assert_eq(reminders(a), 1, "a reminder came twice after the backward jump");

    set_clock("2026-12-05T16:30:00.000Z"); /* a is overdue now; b comes due */
    for (int i = 0; i < 300 && reminders(b) < 1; i++)
        ts_sleep_ms(100);
    cr_assert_eq(reminders(b), 1);
    set_clock("2026-12-05T19:00:00.000Z"); /* over c's whole window and due time */
    wait_scans(2);
    cr_assert_eq(reminders(a), 1);
    cr_assert_eq(reminders(b), 1);
    cr_assert_eq(reminders(c), 0, "an overdue assignment got a due-soon reminder");
    cr_assert_eq(ts_server_stop(&srv), 0);
    clock_teardown();
}

/* --- 6b. The same with libfaketime ------------------------------------------------------- */

#define LIBFAKETIME "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"

static char faketime_path[350];

/* libfaketime's clock: an absolute start ("@YYYY-MM-DD hh:mm:ss", UTC) from which it runs. */
static void set_faketime(const char *start)
{
    char tmp[400];
    snprintf(tmp, sizeof(tmp), "%s.new", faketime_path);
    FILE *f = fopen(tmp, "w");
    cr_assert_not_null(f);
    fprintf(f, "@%s\n", start);
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(rename(tmp, faketime_path), 0);
}

/*
 * The clock of the whole process moved by libfaketime (Debian's `faketime`, LD_PRELOAD), as the
 * issue names it, rather than by the server's own FAULT_CLOCK_FILE: check-ins across a learner's
 * midnight, forward and back. Only the wall clock is faked (FAKETIME_DONT_FAKE_MONOTONIC), as
 * when NTP steps the clock: the monotonic clock never jumps. libfaketimeMT, the variant that
 * serialises its own state (the plain one reads the timestamp file into a shared buffer from
 * every thread). The ASan binary needs verify_asan_link_order=0, as libfaketime is loaded
 * before the ASan runtime. Not under the ThreadSanitizer pass (see the skip).
 */
Test(faults, libfaketime_clock_jumps_during_checkins)
{
    char env_file[400], id1[40], id[40], date[16];

    if (access(LIBFAKETIME, R_OK) != 0)
        cr_skip_test("libfaketime is not installed (scripts/deps.sh test installs faketime)");
    const char *binary = getenv("TS_TEST_BINARY");
    if (binary != NULL && *binary != '\0')
        cr_skip_test("libfaketime under ThreadSanitizer (TS_TEST_BINARY): its "
                     "pthread_cond_timedwait() calls glibc's directly, so TSan misses the mutex "
                     "handoff and reports false double locks (docs/RELIABILITY.md)");
    ts_scratch_dir(clock_dir, sizeof(clock_dir), "ts-faketime");
    snprintf(faketime_path, sizeof(faketime_path), "%s/faketime", clock_dir);
    set_faketime("2026-12-05 22:30:00");
    snprintf(env_file, sizeof(env_file), "FAKETIME_TIMESTAMP_FILE=%s", faketime_path);
    const char *env[] = {"LD_PRELOAD=" LIBFAKETIME,
                         env_file,
                         "FAKETIME_NO_CACHE=1",
                         "FAKETIME_DONT_FAKE_MONOTONIC=1",
                         "ASAN_OPTIONS=verify_asan_link_order=0",
                         NULL};
    struct ts_user u;
    start_with_berlin_learner(env, &u);
    cr_assert_eq(checkin(&u, id1, date), 201);
    cr_assert_str_eq(date, "2026-12-05");

    set_faketime("2026-12-05 23:30:00"); /* +1 h: past midnight in Berlin */
    cr_assert_eq(checkin(&u, id, date), 201);
    cr_assert_str_eq(date, "2026-12-06");
    assert_streak(&u, 2, 2, "2026-12-06");

    set_faketime("2026-12-05 21:30:00"); /* -2 h: the 5th again */
    cr_assert_eq(checkin(&u, id, date), 409);
    cr_assert_str_eq(id, id1);
    assert_streak(&u, 1, 2, "2026-12-05");
    cr_assert_eq(ts_server_stop(&srv), 0);
    unlink(faketime_path);
    rmdir(clock_dir);
}

/* --- 7. SIGTERM with a statement stuck on a lock (a request, the due-soon scan) ------------ */

/* The process exits with a thread still running, on purpose: under the TSan pass
 * (scripts/test.sh's options, races still fatal) threads left unjoined are not a finding here,
 * and TSan's own second of sleep at exit (atexit_sleep_ms) is not the server's time. */
#define TSAN_EXIT_WITH_THREADS                                                                     \
    "TSAN_OPTIONS=halt_on_error=1 exitcode=66 second_deadlock_stack=1 report_thread_leaks=0 "      \
    "atexit_sleep_ms=0"

/* Sends SIGTERM to the server and waits (at most 20 s) for it to exit; returns its exit status
 * word, and in *exited the milliseconds since the signal. */
static int sigterm_and_wait(int64_t *exited)
{
    int64_t t0 = ts_mono_ms(), spent;
    cr_assert_eq(kill(srv.pid, SIGTERM), 0);
    int status = wait_exit(&srv, 20000, &spent);
    *exited = ts_mono_ms() - t0;
    return status;
}

/*
 * SIGTERM while a write waits on a lock longer than the grace time allows (DB_TIMEOUT_MS 5 s,
 * SHUTDOWN_GRACE_SECONDS 2): the process still exits 0 within the grace time (§17: "always").
 * The write's client gets a 503 or, past the grace time, its connection closed; either way
 * the write is not in the database.
 */
struct raw_client {
    char request[1024];
    long status; /* 0: the connection closed without a reply */
};

/* Sends c->request on a fresh connection and reads until the server closes it. */
static void *raw_client_main(void *arg)
{
    struct raw_client *c = arg;
    int fd = ts_connect(&srv);
    c->status = -1;
    if (fd < 0)
        return NULL;
    char *got = ts_exchange(fd, c->request, 15000);
    c->status = got != NULL && strncmp(got, "HTTP/1.1 ", 9) == 0 ? atol(got + 9) : 0;
    free(got);
    close(fd);
    return NULL;
}

Test(faults, sigterm_with_a_write_stuck_on_a_lock_still_exits_within_the_grace_time)
{
    static const char *const env[] = {"DB_TIMEOUT_MS=5000", "SHUTDOWN_GRACE_SECONDS=2",
                                      TSAN_EXIT_WITH_THREADS, NULL};
    static const char body[] = "{\"rating\":3,\"comment\":\"stuck\"}";
    struct raw_client client;
    pthread_t thread;
    struct lock_holder lock;

    ts_server_start(&srv, env);
    ts_load_setup(&load, &srv, 1);
    size_t before = feedback_count();
    hold_lock(&lock, "feedback");
    snprintf(client.request, sizeof(client.request),
             "POST /api/v1/modules/%s/feedback HTTP/1.1\r\nHost: t\r\n%s\r\n"
             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
             load.module_id, load.threads[0].user.auth, sizeof(body) - 1, body);
    cr_assert_eq(pthread_create(&thread, NULL, raw_client_main, &client), 0);
    ts_sleep_ms(500);
    int64_t exited;
    int status = sigterm_and_wait(&exited);
    release_lock(&lock);
    pthread_join(thread, NULL);
    fprintf(stderr, "faults: sigterm with a stuck write: exit after %lld ms, the write got %ld\n",
            (long long)exited, client.status);
    cr_assert(client.status == 0 || client.status == 503, "the stuck write got %ld", client.status);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
    cr_assert_leq(exited, 2000 + 500, "exit %lld ms after SIGTERM", (long long)exited);
    ts_server_start_on(&srv, NULL);
    cr_assert_eq(feedback_count(), before);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

/*
 * SIGTERM while the due-soon scan waits on a lock longer than the grace time allows
 * (DB_TIMEOUT_MS 10 s, SHUTDOWN_GRACE_SECONDS 2): the scheduler is not waited for past the
 * grace time either, and the process exits 0 in time. The scan had not committed its claim,
 * so the next start sends the reminder, once.
 */
Test(faults, sigterm_with_the_due_soon_scan_stuck_on_a_lock_still_exits_within_the_grace_time)
{
    static const char *const extra[] = {"DB_TIMEOUT_MS=10000", "SHUTDOWN_GRACE_SECONDS=2",
                                        TSAN_EXIT_WITH_THREADS, NULL};
    char mid[STR_UUID_SIZE];
    struct ts_user author, a;
    struct lock_holder lock;

    const char *const *env = start_due_soon(extra, &author, mid, &a, 1);
    assign(&author, mid, &a, "2026-12-05T14:00:00.000Z"); /* outside the one-hour window */
    wait_scans(1);

    /* Into the window with the lock held: the next scan's claim (SQLite) or its read of the
     * assignments (PostgreSQL) waits on the lock. Once a scan started after the jump, none
     * ends while the lock is held. */
    hold_lock(&lock, "assignments");
    set_clock("2026-12-05T13:30:00.000Z");
    ts_sleep_ms(2000);
    int scans = scans_done();
    ts_sleep_ms(1500);
    cr_assert_eq(scans_done(), scans, "a scan ended while the lock was held");

    int64_t exited;
    int status = sigterm_and_wait(&exited);
    release_lock(&lock);
    fprintf(stderr, "faults: sigterm with a stuck due-soon scan: exit after %lld ms\n",
            (long long)exited);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
    cr_assert_leq(exited, 2000 + 500, "exit %lld ms after SIGTERM", (long long)exited);

    ts_server_start_on(&srv, env);
    for (int i = 0; i < 300 && reminders(&a) < 1; i++)
        ts_sleep_ms(100);
    wait_scans(2);
    cr_assert_eq(reminders(&a), 1, "the reminder after the restart");
    cr_assert_eq(ts_server_stop(&srv), 0);
    clock_teardown();
}
