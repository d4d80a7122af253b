/* Configuration parsing and range checks (API.md §16). */
#include <criterion/criterion.h>
#include <string.h>

#include "config.h"
#include "util/err.h"

/* A fake environment: "NAME=value" entries. */
static const char *const *fake;

static const char *lookup(const char *name, void *ctx)
{
    (void)ctx;
    size_t n = strlen(name);
    for (int i = 0; fake && fake[i]; i++)
        if (strncmp(fake[i], name, n) == 0 && fake[i][n] == '=')
            return fake[i] + n + 1;
    return NULL;
}

static int load(const char *const *env, struct config *cfg, char *err)
{
    fake = env;
    return config_load(cfg, lookup, NULL, err, 256);
}

Test(config, defaults_match_the_spec)
{
    struct config c;
    char err[256];
    cr_assert_eq(load(NULL, &c, err), 0, "%s", err);
    cr_assert_eq(c.port, 8000);
    cr_assert_str_eq(c.host, "0.0.0.0");
    cr_assert_eq(c.backend, DB_SQLITE);
    cr_assert_str_eq(c.sqlite_path, "trainsmart.db");
    cr_assert_eq(c.db_pool_size, 10);
    cr_assert_eq(c.db_timeout_ms, 5000);
    cr_assert_eq(c.worker_threads, 8);
    cr_assert_eq(c.io_threads, 2);
    cr_assert_eq(c.log_level, 1);
    cr_assert_eq(c.cors_count, 0);
    cr_assert_not(c.cors_any);
    cr_assert(c.allow_registration);
    cr_assert_eq(c.token_ttl_seconds, 86400);
    cr_assert_eq(c.max_body_bytes, 1048576);
    cr_assert_eq(c.request_timeout_seconds, 30);
    cr_assert_eq(c.shutdown_grace_seconds, 10);
    cr_assert_eq(c.login_rate_limit, 10);
    cr_assert_eq(c.login_rate_window_seconds, 60);
    cr_assert_not(c.trust_proxy_headers);
    cr_assert_eq(c.idempotency_ttl_seconds, 86400);
    cr_assert_eq(c.sse_heartbeat_seconds, 15);
    cr_assert_eq(c.sse_max_streams_per_user, 5);
    cr_assert_eq(c.scheduler_interval_seconds, 60);
    cr_assert_eq(c.due_soon_window_seconds, 86400);
    cr_assert(c.auto_migrate);
    cr_assert_str_eq(c.metrics_token, "");
    cr_assert_not(c.on_cloud_run);
}

Test(config, values_are_parsed)
{
    static const char *const env[] = {"PORT=9000",
                                      "DATABASE_URL=postgres://u:p@db:5432/ts?sslmode=disable",
                                      "ALLOW_REGISTRATION=0",
                                      "TRUST_PROXY_HEADERS=1",
                                      "AUTO_MIGRATE=false",
                                      "LOG_LEVEL=warning",
                                      "MAX_BODY_BYTES=2048",
                                      "CORS_ORIGINS=https://a.example, http://b:3000",
                                      "K_SERVICE=api",
                                      NULL};
    struct config c;
    char err[256];
    cr_assert_eq(load(env, &c, err), 0, "%s", err);
    cr_assert_eq(c.port, 9000);
    cr_assert_eq(c.backend, DB_POSTGRES);
    cr_assert_not(c.allow_registration);
    cr_assert(c.trust_proxy_headers);
    cr_assert_not(c.auto_migrate);
    cr_assert_eq(c.log_level, 2);
    cr_assert_eq(c.max_body_bytes, 2048);
    cr_assert_eq(c.cors_count, 2);
    cr_assert(config_origin_allowed(&c, "https://a.example"));
    cr_assert(config_origin_allowed(&c, "http://b:3000"));
    cr_assert_not(config_origin_allowed(&c, "https://a.example.evil"));
    cr_assert(c.on_cloud_run);
}

Test(config, sqlite_url_forms)
{
    static const char *const a[] = {"DATABASE_URL=sqlite:/var/lib/ts.db", NULL};
    static const char *const b[] = {"DATABASE_URL=sqlite:///var/lib/ts.db", NULL};
    struct config c;
    char err[256];
    cr_assert_eq(load(a, &c, err), 0);
    cr_assert_str_eq(c.sqlite_path, "/var/lib/ts.db");
    cr_assert_eq(load(b, &c, err), 0);
    cr_assert_str_eq(c.sqlite_path, "/var/lib/ts.db");
}

/* Cloud Run with Cloud SQL: no host in the authority, the socket folder as a parameter. */
Test(config, postgres_unix_socket_url_form)
{
    static const char *const e[] = {
        "DATABASE_URL=postgresql://trainsmart:s3cret@/trainsmart?host=/cloudsql/p:europe-west1:db",
        NULL};
    struct config c;
    char err[256];
    cr_assert_eq(load(e, &c, err), 0, "%s", err);
    cr_assert_eq(c.backend, DB_POSTGRES);
    cr_assert_str_eq(c.database_url,
                     "postgresql://trainsmart:s3cret@/trainsmart?host=/cloudsql/p:europe-west1:db");
}

Test(config, wildcard_cors_allows_any_origin)
{
    static const char *const env[] = {"CORS_ORIGINS=*", NULL};
    struct config c;
    char err[256];
    cr_assert_eq(load(env, &c, err), 0);
    cr_assert(c.cors_any);
    cr_assert(config_origin_allowed(&c, "https://whatever.example"));
}

static void assert_rejected(const char *setting, const char *name)
{
    const char *const env[] = {setting, NULL};
    struct config c;
    char err[256];
    cr_assert_eq(load(env, &c, err), TS_EINVAL, "%s accepted", setting);
    cr_assert_not_null(strstr(err, name), "%s: %s", setting, err);
    cr_assert_null(strchr(err, '\n'));
}

Test(config, out_of_range_and_malformed_values_name_the_variable)
{
    assert_rejected("PORT=0", "PORT");
    assert_rejected("PORT=65536", "PORT");
    assert_rejected("PORT= 80", "PORT");
    assert_rejected("PORT=+80", "PORT");
    assert_rejected("DB_POOL_SIZE=0", "DB_POOL_SIZE");
    assert_rejected("DB_POOL_SIZE=201", "DB_POOL_SIZE");
    assert_rejected("WORKER_THREADS=257", "WORKER_THREADS");
    assert_rejected("IO_THREADS=0", "IO_THREADS");
    assert_rejected("IO_THREADS=65", "IO_THREADS");
    assert_rejected("MAX_CONNECTIONS=15", "MAX_CONNECTIONS");
    assert_rejected("MAX_CONNECTIONS_PER_IP=-1", "MAX_CONNECTIONS_PER_IP");
    assert_rejected("TOKEN_TTL_SECONDS=2592001", "TOKEN_TTL_SECONDS");
    assert_rejected("SHUTDOWN_GRACE_SECONDS=0", "SHUTDOWN_GRACE_SECONDS");
    assert_rejected("SSE_HEARTBEAT_SECONDS=301", "SSE_HEARTBEAT_SECONDS");
    assert_rejected("SCHEDULER_INTERVAL_SECONDS=0", "SCHEDULER_INTERVAL_SECONDS");
    assert_rejected("AUTO_MIGRATE=TRUE", "AUTO_MIGRATE");
    assert_rejected("TRUST_PROXY_HEADERS=yes", "TRUST_PROXY_HEADERS");
    assert_rejected("LOG_LEVEL=INFO", "LOG_LEVEL");
    assert_rejected("DATABASE_URL=sqlite:", "DATABASE_URL");
    assert_rejected("DATABASE_URL=mysql://x/y", "DATABASE_URL");
    assert_rejected("CORS_ORIGINS=https://a.example/path", "CORS_ORIGINS");
    assert_rejected("CORS_ORIGINS=ftp://a.example", "CORS_ORIGINS");
    assert_rejected("MAX_BODY_BYTES=99999999999999999999", "MAX_BODY_BYTES");
    assert_rejected("HOST=", "HOST");
    assert_rejected("GOOGLE_CLOUD_PROJECT=My Project", "GOOGLE_CLOUD_PROJECT");
    assert_rejected("GOOGLE_CLOUD_PROJECT=p\"/x", "GOOGLE_CLOUD_PROJECT");
}

Test(config, google_cloud_project_forms)
{
    static const char *const plain[] = {"GOOGLE_CLOUD_PROJECT=my-project-123", NULL};
    static const char *const scoped[] = {"GOOGLE_CLOUD_PROJECT=example.com:my-project", NULL};
    struct config c;
    char err[256];
    cr_assert_eq(load(NULL, &c, err), 0, "%s", err);
    cr_assert_str_eq(c.google_cloud_project, "");
    cr_assert_eq(load(plain, &c, err), 0, "%s", err);
    cr_assert_str_eq(c.google_cloud_project, "my-project-123");
    cr_assert_eq(load(scoped, &c, err), 0, "%s", err);
    cr_assert_str_eq(c.google_cloud_project, "example.com:my-project");
}
