/* The command line of API.md §15 and configuration errors of §16, on both backends. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/migrate.h"
#include "support/accounts.h"
#include "support/server.h"

static struct ts_server db;
static char url[600];

static void fresh_db(void)
{
    ts_db_create(&db);
    snprintf(url, sizeof(url), "DATABASE_URL=%s", db.database_url);
}

static void drop_db(void)
{
    ts_db_drop(&db);
}

TestSuite(cli, .init = fresh_db, .fini = drop_db, .timeout = 60);

static int run(const char *const *args, const char *const *extra_env, char **out, char **err)
{
    const char *env[8] = {url};
    int n = 1;
    for (int i = 0; extra_env && extra_env[i] && n < 7; i++)
        env[n++] = extra_env[i];
    env[n] = NULL;
    return ts_run_cli(args, env, out, err);
}

Test(cli, version_prints_semver)
{
    const char *const args[] = {"version", NULL};
    char *out, *err;
    cr_assert_eq(run(args, NULL, &out, &err), 0);
    cr_assert_str_eq(out, "trainsmart 1.0.0\n");
    free(out);
    free(err);
}

Test(cli, help_prints_usage_on_stdout)
{
    const char *const args[] = {"--help", NULL};
    const char *const args2[] = {"help", NULL};
    char *out, *err;
    cr_assert_eq(run(args, NULL, &out, &err), 0);
    cr_assert_not_null(strstr(out, "usage: trainsmart"));
    cr_assert_str_eq(err, "");
    free(out);
    free(err);
    cr_assert_eq(run(args2, NULL, &out, &err), 0);
    cr_assert_not_null(strstr(out, "migrate status"));
    free(out);
    free(err);
}

Test(cli, no_command_or_unknown_command_is_usage_error)
{
    const char *const none[] = {NULL};
    const char *const unknown[] = {"frobnicate", NULL};
    char *out, *err;
    cr_assert_eq(run(none, NULL, &out, &err), 2);
    cr_assert_str_eq(out, "");
    cr_assert_not_null(strstr(err, "usage: trainsmart"));
    free(out);
    free(err);
    cr_assert_eq(run(unknown, NULL, &out, &err), 2);
    cr_assert_not_null(strstr(err, "frobnicate"));
    free(out);
    free(err);
}

static void assert_config_error(const char *setting, const char *variable)
{
    const char *const args[] = {"serve", NULL};
    const char *const env[] = {setting, NULL};
    char *out, *err;
    cr_assert_eq(run(args, env, &out, &err), 2, "%s was accepted", setting);
    cr_assert_not_null(strstr(err, variable), "%s: message does not name %s: %s", setting, variable,
                       err);
    cr_assert_eq(ts_count(err, "\n"), 1, "not one line: %s", err);
    free(out);
    free(err);
}

Test(cli, invalid_configuration_exits_2_naming_the_variable)
{
    assert_config_error("PORT=0", "PORT");
    assert_config_error("PORT=65536", "PORT");
    assert_config_error("PORT=80a", "PORT");
    assert_config_error("DB_POOL_SIZE=201", "DB_POOL_SIZE");
    assert_config_error("WORKER_THREADS=", "WORKER_THREADS");
    assert_config_error("LOG_LEVEL=loud", "LOG_LEVEL");
    assert_config_error("ALLOW_REGISTRATION=yes", "ALLOW_REGISTRATION");
    assert_config_error("TOKEN_TTL_SECONDS=59", "TOKEN_TTL_SECONDS");
    assert_config_error("SHUTDOWN_GRACE_SECONDS=61", "SHUTDOWN_GRACE_SECONDS");
    assert_config_error("SSE_HEARTBEAT_SECONDS=0", "SSE_HEARTBEAT_SECONDS");
    assert_config_error("SCHEDULER_INTERVAL_SECONDS=3601", "SCHEDULER_INTERVAL_SECONDS");
    assert_config_error("DATABASE_URL=mysql://x", "DATABASE_URL");
    assert_config_error("CORS_ORIGINS=app.example.com", "CORS_ORIGINS");
    assert_config_error("HOST=not a host", "HOST");
}

Test(cli, version_also_validates_configuration)
{
    const char *const args[] = {"version", NULL};
    const char *const env[] = {"PORT=-1", NULL};
    char *out, *err;
    cr_assert_eq(run(args, env, &out, &err), 2);
    cr_assert_not_null(strstr(err, "PORT"));
    free(out);
    free(err);
}

/* The web app's build generates its API types from this output (web/): no database, no
 * server, the same bytes GET /openapi.json serves. */
Test(cli, openapi_prints_the_document_the_server_serves)
{
    const char *const args[] = {"openapi", NULL};
    const char *const extra[] = {"openapi", "x", NULL};
    const char *const unreachable[] = {"DATABASE_URL=postgresql://nobody@127.0.0.1:1/none", NULL};
    char *out, *err;
    json_error_t jerr;

    cr_assert_eq(ts_run_cli(args, unreachable, &out, &err), 0, "%s", err);
    cr_assert_str_eq(err, "");
    size_t n = strlen(out);
    cr_assert(n > 1 && out[n - 1] == '\n', "one line of JSON");
    json_t *doc = json_loads(out, 0, &jerr);
    cr_assert_not_null(doc, "not JSON: %s", jerr.text);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "info"), "version")),
                     "1.0.0");
    cr_assert_gt(json_object_size(json_object_get(doc, "paths")), 30);
    json_decref(doc);

    struct ts_server s;
    struct ts_resp r;
    ts_server_start(&s, NULL);
    ts_http(&s, "GET", "/openapi.json", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    out[n - 1] = '\0';
    cr_assert(strcmp(out, r.body) == 0, "the served document differs from the printed one");
    ts_resp_free(&r);
    cr_assert_eq(ts_server_stop(&s), 0);
    free(out);
    free(err);

    cr_assert_eq(run(extra, NULL, &out, &err), 2);
    cr_assert_str_eq(out, "");
    cr_assert_not_null(strstr(err, "openapi takes no arguments"));
    free(out);
    free(err);
}

Test(cli, serve_on_cloud_run_with_sqlite_exits_2)
{
    const char *const args[] = {"serve", NULL};
    const char *const env[] = {"K_SERVICE=trainsmart", "DATABASE_URL=sqlite:/tmp/x.db", NULL};
    char *out, *err;
    cr_assert_eq(ts_run_cli(args, env, &out, &err), 2);
    cr_assert_not_null(strstr(err, "PostgreSQL"), "%s", err);
    cr_assert_not_null(strstr(err, "memory"), "%s", err);
    free(out);
    free(err);
}

/* The migrations this build knows, as `migrate status` names them ("0001\tinit"). */
static int known_migrations(char names[][64], int max)
{
    int n = 0;
    for (const struct migration_file *f = ts_backend_is_pg() ? migrations_postgres
                                                             : migrations_sqlite;
         f->name != NULL && n < max; f++, n++) {
        snprintf(names[n], 64, "%.4s\t%s", f->name, f->name + 5);
    }
    return n;
}

static char *status_text(char names[][64], int n, int applied)
{
    static char text[4096];
    size_t off = 0;
    text[0] = '\0';
    for (int i = 0; i < n; i++)
        off += (size_t)snprintf(text + off, sizeof(text) - off, "%s\t%s\n", names[i],
                                i < applied ? "applied" : "pending");
    return text;
}

Test(cli, migrate_up_status_down_round_trip)
{
    const char *const up[] = {"migrate", "up", NULL};
    const char *const status[] = {"migrate", "status", NULL};
    const char *const down[] = {"migrate", "down", NULL};
    const char *const down_all[] = {"migrate", "down", "1000", NULL};
    char names[64][64];
    int n = known_migrations(names, 64);
    char *out, *err;

    cr_assert_geq(n, 2);
    cr_assert_str_eq(names[0], "0001\tinit");
    cr_assert_eq(run(status, NULL, &out, &err), 0, "%s", err);
    cr_assert_str_eq(out, status_text(names, n, 0));
    free(out), free(err);

    cr_assert_eq(run(up, NULL, &out, &err), 0, "%s", err);
    cr_assert_eq(ts_count(out, "applied "), n, "%s", out);
    cr_assert(strncmp(out, "applied 0001_init\n", 18) == 0, "%s", out);
    free(out), free(err);

    cr_assert_eq(run(up, NULL, &out, &err), 0, "up with nothing pending succeeds");
    cr_assert_str_eq(out, "");
    free(out), free(err);

    cr_assert_eq(run(status, NULL, &out, &err), 0);
    cr_assert_str_eq(out, status_text(names, n, n));
    free(out), free(err);

    cr_assert_eq(run(down, NULL, &out, &err), 0, "%s", err);
    char want[128];
    snprintf(want, sizeof(want), "reverted %.4s_%s\n", names[n - 1], names[n - 1] + 5);
    cr_assert_str_eq(out, want, "only the newest is reverted");
    free(out), free(err);

    cr_assert_eq(run(status, NULL, &out, &err), 0);
    cr_assert_str_eq(out, status_text(names, n, n - 1));
    free(out), free(err);

    cr_assert_eq(run(down_all, NULL, &out, &err), 0, "N beyond the applied reverts all");
    cr_assert_eq(ts_count(out, "reverted "), n - 1, "%s", out);
    cr_assert_not_null(strstr(out, "reverted 0001_init\n"));
    free(out), free(err);
    cr_assert_eq(run(status, NULL, &out, &err), 0);
    cr_assert_str_eq(out, status_text(names, n, 0));
    free(out), free(err);
}

Test(cli, migrate_usage_errors_exit_2)
{
    const char *const bad[][4] = {{"migrate", NULL},
                                  {"migrate", "sideways", NULL},
                                  {"migrate", "down", "0", NULL},
                                  {"migrate", "down", "x", NULL}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *out, *err;
        cr_assert_eq(run(bad[i], NULL, &out, &err), 2, "case %zu", i);
        free(out), free(err);
    }
}

Test(cli, migrate_against_unreachable_database_exits_1)
{
    const char *const args[] = {"migrate", "up", NULL};
    char *out, *err;
    int port = ts_free_port();
    char bad[128];
    snprintf(bad, sizeof(bad), "DATABASE_URL=postgresql://nobody@127.0.0.1:%d/none", port);
    const char *const env[] = {bad, "DB_TIMEOUT_MS=500", NULL};
    cr_assert_eq(ts_run_cli(args, env, &out, &err), 1);
    cr_assert_not_null(strstr(err, "database unavailable"), "%s", err);
    free(out), free(err);
}

Test(cli, concurrent_migrations_apply_once)
{
    /* Several processes migrating one fresh database at once: all succeed, and exactly one
     * reports having applied the migration. */
    char cmd[1024];
    char dir[] = "/tmp/ts-conc.XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof(cmd),
             "cd %s && for i in 1 2 3 4; do (env '%s' %s migrate up > out.$i 2>err.$i; "
             "echo $? > rc.$i) & done; wait; cat rc.* | sort -u | tr -d '\\n'; "
             "echo; cat out.* | grep -c applied",
             dir, url, ts_binary());
    FILE *p = popen(cmd, "r");
    char rcs[64] = "", applied[64] = "";
    cr_assert_not_null(fgets(rcs, sizeof(rcs), p));
    cr_assert_not_null(fgets(applied, sizeof(applied), p));
    pclose(p);
    cr_assert_str_eq(rcs, "0\n", "every process exits 0");
    char names[64][64];
    char want[16];
    snprintf(want, sizeof(want), "%d\n", known_migrations(names, 64));
    cr_assert_str_eq(applied, want, "each migration is applied exactly once");
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* A binary older than the database's schema must not revert its own newest migrations from
 * under one it does not know (docs/OPERATIONS.md, rollback). */
Test(cli, migrate_down_refuses_a_database_newer_than_the_binary)
{
    const char *const up[] = {"migrate", "up", NULL};
    const char *const status[] = {"migrate", "status", NULL};
    const char *const down[] = {"migrate", "down", NULL};
    char names[64][64];
    int n = known_migrations(names, 64);
    char *out, *err;

    cr_assert_eq(run(up, NULL, &out, &err), 0, "%s", err);
    free(out), free(err);
    ts_sql(&db, "INSERT INTO schema_migrations (version, name, applied_at) "
                "VALUES (9999, 'from_a_later_release', 0)");
    cr_assert_eq(run(down, NULL, &out, &err), 1);
    cr_assert_str_eq(out, "");
    cr_assert_not_null(strstr(err, "newer than this binary"), "%s", err);
    cr_assert_not_null(strstr(err, "9999"), "the log names the version: %s", err);
    free(out), free(err);
    cr_assert_eq(run(status, NULL, &out, &err), 0);
    cr_assert_str_eq(out, status_text(names, n, n), "nothing was reverted");
    free(out), free(err);
}
