/*
 * Deployment forms of the configuration (deploy/, docs/OPERATIONS.md): on Cloud Run the
 * database is reached over the Unix socket that the Cloud SQL connector mounts at
 * /cloudsql/PROJECT:REGION:INSTANCE, with an empty host in DATABASE_URL and the socket folder
 * as the `host` query parameter.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support/server.h"

/* One integer from the cluster at `url` (asserts it worked). */
static long pg_count(const char *url, const char *sql)
{
    PGconn *c = PQconnectdb(url);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    long n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    PQfinish(c);
    return n;
}

/*
 * A cluster of its own whose socket folder is named like Cloud SQL's, so the URL has exactly
 * the deployed form: `postgresql://user@/db?host=<folder with colons>` (plus the port, which
 * names the socket file; Cloud SQL's is the default 5432). The server migrates, becomes ready
 * and writes over the socket, and every connection it holds is a Unix-socket one (no client
 * address), so nothing fell back to TCP.
 */
Test(deploy, database_url_with_unix_socket_host_parameter, .timeout = 120)
{
    struct ts_server s;
    struct ts_resp r;

    if (!ts_backend_is_pg())
        cr_skip_test("Cloud SQL's socket is PostgreSQL's; SQLite is a file");
    memset(&s, 0, sizeof(s));
    ts_scratch_dir(s.dir, sizeof(s.dir), "ts-cloudsql");
    cr_assert_eq(chmod(s.dir, 0755), 0, "the cluster runs as another user");
    snprintf(s.log_path, sizeof(s.log_path), "%s/server.log", s.dir);
    char sockdir[200];
    snprintf(sockdir, sizeof(sockdir), "%s/cloudsql/proj:europe-west1:db", s.dir);
    int port = ts_free_port();
    cr_assert_eq(ts_pg_cluster("start", sockdir, port), 0);
    snprintf(s.database_url, sizeof(s.database_url),
             "postgresql://trainsmart@/postgres?host=%s&port=%d", sockdir, port);

    ts_server_start_on(&s, NULL);
    ts_http(&s, "GET", "/readyz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_assert_json(&r, "{\"status\":\"ready\",\"database\":\"ok\",\"migrations\":\"current\","
                       "\"shutting_down\":false}");
    ts_resp_free(&r);
    static const char *const json[] = {"Content-Type: application/json", NULL};
    ts_http(
        &s, "POST", "/api/v1/auth/register", json,
        "{\"email\":\"ops@example.com\",\"password\":\"correct horse\",\"display_name\":\"Ops\"}",
        &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    ts_resp_free(&r);

    cr_assert_eq(pg_count(s.database_url, "SELECT count(*) FROM users"), 1);
    cr_assert_geq(pg_count(s.database_url, "SELECT count(*) FROM pg_stat_activity WHERE "
                                           "application_name = 'trainsmart' AND client_addr "
                                           "IS NULL AND client_port = -1"),
                  1);
    cr_assert_eq(pg_count(s.database_url, "SELECT count(*) FROM pg_stat_activity WHERE "
                                          "application_name LIKE 'trainsmart%' AND client_port "
                                          "<> -1"),
                 0);

    /* The one-shot commands (the migration job) take the same URL. */
    char env[600];
    snprintf(env, sizeof(env), "DATABASE_URL=%s", s.database_url);
    const char *const args[] = {"migrate", "status", NULL};
    const char *const envs[] = {env, NULL};
    char *out = NULL;
    cr_assert_eq(ts_run_cli(args, envs, &out, NULL), 0);
    cr_assert(strstr(out, "0001\tinit\tapplied\n") == out, "%s", out);
    cr_assert(strstr(out, "pending") == NULL, "%s", out);
    free(out);

    char dir[sizeof(s.dir)];
    snprintf(dir, sizeof(dir), "%s", s.dir);
    s.dir[0] = '\0'; /* removed below, once the cluster in it has stopped */
    int code = ts_server_stop(&s);
    ts_pg_cluster("stop", sockdir, port);
    char rm[300];
    snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
    cr_assert_eq(system(rm), 0);
    cr_assert_eq(code, 0);
}
