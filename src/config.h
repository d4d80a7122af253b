/*
 * Configuration from the environment (API.md §16). Every variable is parsed and range-checked
 * at start; config_load() reports the first invalid one as a single line naming the variable,
 * and the caller exits 2. The struct is read-only after loading and shared by all threads.
 */
#ifndef TS_CONFIG_H
#define TS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum db_backend { DB_SQLITE = 1, DB_POSTGRES = 2 };

#define CONFIG_MAX_ORIGINS 32

struct config {
    int port;
    char host[256];
    char database_url[2048];
    enum db_backend backend;
    const char *sqlite_path; /* points into database_url for sqlite: URLs */
    int db_pool_size;
    int db_timeout_ms;
    int worker_threads;       /* handler threads: they run the handlers and block on the database */
    int io_threads;           /* libmicrohttpd's threads: sockets and HTTP parsing only */
    int connection_memory_kb; /* libmicrohttpd's memory per connection: headers in, headers out */
    int max_connections;      /* open connections per instance, streams included */
    int max_connections_per_ip; /* open connections per client address; 0: no limit */
    int module_cache_mb;        /* memory budget of the module view cache (api/module_cache.c) */
    int log_level;              /* enum log_level */
    bool cors_any;              /* CORS_ORIGINS=* */
    int cors_count;
    char cors_origins[CONFIG_MAX_ORIGINS][256];
    bool allow_registration;
    int token_ttl_seconds;
    int64_t max_body_bytes;
    int request_timeout_seconds;
    int shutdown_grace_seconds;
    int login_rate_limit;
    int login_rate_window_seconds;
    bool trust_proxy_headers;
    int idempotency_ttl_seconds;
    int sse_heartbeat_seconds;
    int sse_max_streams_per_user;
    int scheduler_interval_seconds;
    int due_soon_window_seconds;
    bool auto_migrate;
    char metrics_token[512];        /* empty when unset */
    char google_cloud_project[101]; /* empty when unset: no Cloud Logging trace field */
    char fault_clock_file[1024];    /* FAULT_CLOCK_FILE, tests only; empty when unset */
    char web_dir[1024];             /* WEB_DIR: the built web app (http/webapp.h) */
    bool on_cloud_run;              /* K_SERVICE is set */
};

/* Lookup function for variables: getenv in production, a table in tests. */
typedef const char *(*config_getenv_fn)(const char *name, void *ctx);

/*
 * Fills `cfg` from the variables (`get` NULL means getenv). Returns 0, or TS_EINVAL with a
 * one-line message in `err` (e.g. "invalid PORT: must be an integer in 1..65535").
 */
int config_load(struct config *cfg, config_getenv_fn get, void *ctx, char *err, size_t errlen);

/* True when `origin` is allowed by CORS_ORIGINS. */
bool config_origin_allowed(const struct config *cfg, const char *origin);

#endif
