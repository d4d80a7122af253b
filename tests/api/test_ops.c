/*
 * Ops endpoints (API.md §14) and behaviour under faults (§17): readiness, graceful shutdown
 * with a request in flight, and a PostgreSQL outage survived without a restart.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/server.h"

Test(ops, healthz_is_ok_with_version, .timeout = 60)
{
    struct ts_server s;
    struct ts_resp r;

    ts_server_start(&s, NULL);
    ts_http(&s, "GET", "/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_assert_json(&r, "{\"status\":\"ok\",\"version\":\"1.0.0\"}");
    ts_resp_free(&r);
    cr_assert_eq(ts_server_stop(&s), 0);
}

Test(ops, readyz_is_ready_after_auto_migrate, .timeout = 60)
{
    struct ts_server s;
    struct ts_resp r;

    ts_server_start(&s, NULL);
    ts_http(&s, "GET", "/readyz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_assert_json(&r, "{\"status\":\"ready\",\"database\":\"ok\",\"migrations\":\"current\","
                       "\"shutting_down\":false}");
    cr_assert_str_eq(ts_header(&r, "Cache-Control"), "no-store");
    ts_resp_free(&r);
    cr_assert_eq(ts_server_stop(&s), 0);
}

Test(ops, readyz_is_503_while_migrations_are_pending, .timeout = 60)
{
    static const char *const env[] = {"AUTO_MIGRATE=false", NULL};
    struct ts_server s;
    struct ts_resp r;

    ts_server_start(&s, env);
    ts_http(&s, "GET", "/readyz", NULL, NULL, &r);
    cr_assert_eq(r.status, 503);
    ts_assert_json(&r, "{\"status\":\"not_ready\",\"database\":\"ok\",\"migrations\":\"pending\","
                       "\"shutting_down\":false}");
    ts_resp_free(&r);
    /* Migrating from the CLI makes the running server ready. */
    char url[600];
    snprintf(url, sizeof(url), "DATABASE_URL=%s", s.database_url);
    const char *const args[] = {"migrate", "up", NULL};
    const char *const cenv[] = {url, NULL};
    cr_assert_eq(ts_run_cli(args, cenv, NULL, NULL), 0);
    ts_http(&s, "GET", "/readyz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    cr_assert_eq(ts_server_stop(&s), 0);
}

/*
 * SIGTERM with a request in flight: its body is still arriving when the signal comes. The
 * request completes with Connection: close, an already open connection sees /readyz 503 with
 * shutting_down true and /healthz 200, new connections are refused, and the process exits 0.
 */
Test(ops, sigterm_drains_in_flight_request_then_exits_0, .timeout = 60)
{
    static const char *const env[] = {"SHUTDOWN_GRACE_SECONDS=5", NULL};
    struct ts_server s;

    ts_server_start(&s, env);
    const char head[] = "GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n12345";
    /* Raw connections: one with a request in flight, two idle keep-alive ones. */
    int fd = ts_connect(&s);
    int idle = ts_connect(&s);
    int idle2 = ts_connect(&s);
    cr_assert(fd >= 0 && idle >= 0 && idle2 >= 0);
    cr_assert_eq(send(fd, head, sizeof(head) - 1, 0), (ssize_t)(sizeof(head) - 1));
    usleep(200 * 1000);
    kill(s.pid, SIGTERM);
    usleep(300 * 1000);

    char *ready = ts_exchange(idle, "GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n", 3000);
    cr_assert(strncmp(ready, "HTTP/1.1 503", 12) == 0, "got %s", ready);
    cr_assert_not_null(strstr(ready, "\"shutting_down\":true"), "got %s", ready);
    cr_assert_not_null(strstr(ready, "Connection: close"), "got %s", ready);
    free(ready);
    char *live = ts_exchange(idle2, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", 3000);
    cr_assert(strncmp(live, "HTTP/1.1 200", 12) == 0, "got %s", live);
    free(live);

    static const char probe[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    cr_assert_null(ts_raw(&s, probe, sizeof(probe) - 1, 500),
                   "a new connection was accepted during the drain");

    char *done = ts_exchange(fd, "67890", 3000);
    cr_assert(strncmp(done, "HTTP/1.1 200", 12) == 0, "got %s", done);
    cr_assert_not_null(strstr(done, "Connection: close"));
    free(done);
    close(fd);
    close(idle);
    close(idle2);

    int status = 0;
    for (int i = 0; i < 600 && waitpid(s.pid, &status, WNOHANG) == 0; i++)
        usleep(10 * 1000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
    s.pid = 0;
    ts_db_drop(&s);
}

static long readyz(const struct ts_server *s, struct ts_resp *r)
{
    ts_http(s, "GET", "/readyz", NULL, NULL, r);
    return r->status;
}

/*
 * The database goes away under a running server and comes back: /readyz turns 503 (database
 * unreachable), /healthz stays 200, and readiness returns without restarting trainsmart.
 * Uses a cluster of its own so that stopping it disturbs no other test.
 */
Test(ops, readyz_follows_postgres_outage_without_restart, .timeout = 120)
{
    static const char *const env[] = {"DB_TIMEOUT_MS=1000", NULL};
    struct ts_server s;
    struct ts_resp r;

    if (!ts_backend_is_pg())
        cr_skip_test("a PostgreSQL outage; SQLite is embedded");
    memset(&s, 0, sizeof(s));
    ts_scratch_dir(s.dir, sizeof(s.dir), "ts-outage");
    cr_assert_eq(chmod(s.dir, 0755), 0, "the cluster runs as another user");
    snprintf(s.log_path, sizeof(s.log_path), "%s/server.log", s.dir);
    char pgdir[200];
    snprintf(pgdir, sizeof(pgdir), "%s/pg", s.dir);
    int port = ts_free_port();
    cr_assert_eq(ts_pg_cluster("start", pgdir, port), 0);
    snprintf(s.database_url, sizeof(s.database_url),
             "postgresql://trainsmart@127.0.0.1:%d/postgres", port);
    ts_server_start_on(&s, env);
    cr_assert_eq(readyz(&s, &r), 200, "%s", r.body);
    ts_resp_free(&r);

    /* A fast shutdown ends every session as a crash would, but keeps the (unsynced) data of
     * this throwaway cluster. */
    cr_assert_eq(ts_pg_cluster("stop", pgdir, port), 0);
    for (int i = 0; i < 7; i++) { /* enough failures to open the circuit breaker */
        cr_assert_eq(readyz(&s, &r), 503, "%s", r.body);
        ts_assert_json(&r, "{\"status\":\"not_ready\",\"database\":\"unreachable\","
                           "\"migrations\":\"unknown\",\"shutting_down\":false}");
        ts_resp_free(&r);
    }
    ts_http(&s, "GET", "/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);

    cr_assert_eq(ts_pg_cluster("start", pgdir, port), 0);
    long status = 0;
    for (int i = 0; i < 150 && status != 200; i++) {
        status = readyz(&s, &r);
        ts_resp_free(&r);
        if (status != 200)
            usleep(100 * 1000);
    }
    cr_assert_eq(status, 200, "not ready again after the database came back");
    char dir[sizeof(s.dir)];
    snprintf(dir, sizeof(dir), "%s", s.dir);
    s.dir[0] = '\0'; /* removed below, once the cluster in it has stopped */
    int code = ts_server_stop(&s);
    ts_pg_cluster("stop", pgdir, port);
    char rm[300];
    snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
    cr_assert_eq(system(rm), 0);
    cr_assert_eq(code, 0);
}
