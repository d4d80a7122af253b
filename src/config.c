/*
 * Environment configuration (API.md §16).
 *
 * One table describes every variable: its default, its kind and its range. Loading walks the
 * table, so a new variable is one line here plus its field in struct config. Ranges the spec
 * leaves open are chosen here and listed in README's configuration table.
 */
#include "config.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
#include "util/log.h"

/* The default of WEB_DIR: the web/dist folder of the source tree the binary was built from
 * (CMake's TS_WEB_DIR); images set WEB_DIR to where they installed it. */
#ifndef TS_WEB_DIR
#define TS_WEB_DIR "web/dist"
#endif

enum kind { K_INT, K_BOOL, K_STR };

struct var {
    const char *name;
    enum kind kind;
    const char *def;
    int64_t min, max;
    size_t off;  /* offset of the field in struct config */
    size_t size; /* K_STR: field size; K_INT: sizeof the integer field */
};

#define INT_VAR(name, field, def, min, max)                                                        \
    {                                                                                              \
        name, K_INT, def, min, max, offsetof(struct config, field),                                \
            sizeof(((struct config *)0)->field)                                                    \
    }
#define BOOL_VAR(name, field, def)                                                                 \
    {                                                                                              \
        name, K_BOOL, def, 0, 1, offsetof(struct config, field), 0                                 \
    }
#define STR_VAR(name, field, def)                                                                  \
    {                                                                                              \
        name, K_STR, def, 0, 0, offsetof(struct config, field),                                    \
            sizeof(((struct config *)0)->field)                                                    \
    }

static const struct var vars[] = {
    INT_VAR("PORT", port, "8000", 1, 65535),
    STR_VAR("HOST", host, "0.0.0.0"),
    STR_VAR("DATABASE_URL", database_url, "sqlite:trainsmart.db"),
    INT_VAR("DB_POOL_SIZE", db_pool_size, "10", 1, 200),
    INT_VAR("DB_TIMEOUT_MS", db_timeout_ms, "5000", 100, 600000),
    INT_VAR("WORKER_THREADS", worker_threads, "8", 1, 256),
    INT_VAR("IO_THREADS", io_threads, "2", 1, 64),
    INT_VAR("CONNECTION_MEMORY_KB", connection_memory_kb, "16", 8, 1024),
    INT_VAR("MAX_CONNECTIONS", max_connections, "16384", 16, 1000000),
    INT_VAR("MAX_CONNECTIONS_PER_IP", max_connections_per_ip, "0", 0, 1000000),
    INT_VAR("MODULE_CACHE_MB", module_cache_mb, "64", 0, 65536),
    BOOL_VAR("ALLOW_REGISTRATION", allow_registration, "true"),
    INT_VAR("TOKEN_TTL_SECONDS", token_ttl_seconds, "86400", 60, 2592000),
    INT_VAR("MAX_BODY_BYTES", max_body_bytes, "1048576", 1024, 104857600),
    INT_VAR("REQUEST_TIMEOUT_SECONDS", request_timeout_seconds, "30", 1, 3600),
    INT_VAR("SHUTDOWN_GRACE_SECONDS", shutdown_grace_seconds, "10", 1, 60),
    INT_VAR("LOGIN_RATE_LIMIT", login_rate_limit, "10", 1, 1000000),
    INT_VAR("LOGIN_RATE_WINDOW_SECONDS", login_rate_window_seconds, "60", 1, 86400),
    BOOL_VAR("TRUST_PROXY_HEADERS", trust_proxy_headers, "false"),
    INT_VAR("IDEMPOTENCY_TTL_SECONDS", idempotency_ttl_seconds, "86400", 60, 2592000),
    INT_VAR("SSE_HEARTBEAT_SECONDS", sse_heartbeat_seconds, "15", 1, 300),
    INT_VAR("SSE_MAX_STREAMS_PER_USER", sse_max_streams_per_user, "5", 1, 1000),
    INT_VAR("SCHEDULER_INTERVAL_SECONDS", scheduler_interval_seconds, "60", 1, 3600),
    INT_VAR("DUE_SOON_WINDOW_SECONDS", due_soon_window_seconds, "86400", 60, 31536000),
    BOOL_VAR("AUTO_MIGRATE", auto_migrate, "true"),
    STR_VAR("METRICS_TOKEN", metrics_token, ""),
    STR_VAR("FAULT_CLOCK_FILE", fault_clock_file, ""),
    STR_VAR("GOOGLE_CLOUD_PROJECT", google_cloud_project, ""),
    STR_VAR("WEB_DIR", web_dir, TS_WEB_DIR),
};

static const char *env_get(const char *name, void *ctx)
{
    (void)ctx;
    return getenv(name);
}

static int parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
    int64_t v = 0;
    const char *p = s;

    if (*p == '\0' || strlen(p) > 18)
        return -1;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
        *out = true;
    else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
        *out = false;
    else
        return -1;
    return 0;
}

static int load_var(struct config *cfg, const struct var *var, const char *val, char *err,
                    size_t errlen)
{
    char *field = (char *)cfg + var->off;
    int64_t i;
    bool b;

    switch (var->kind) {
    case K_INT:
        if (parse_int(val, var->min, var->max, &i) < 0) {
            snprintf(err, errlen, "invalid %s: must be an integer in %lld..%lld", var->name,
                     (long long)var->min, (long long)var->max);
            return TS_EINVAL;
        }
        if (var->size == sizeof(int64_t))
            *(int64_t *)(void *)field = i;
        else
            *(int *)(void *)field = (int)i;
        return 0;
    case K_BOOL:
        if (parse_bool(val, &b) < 0) {
            snprintf(err, errlen, "invalid %s: must be true, false, 1 or 0", var->name);
            return TS_EINVAL;
        }
        *(bool *)(void *)field = b;
        return 0;
    case K_STR:
        if (strlen(val) >= var->size) {
            snprintf(err, errlen, "invalid %s: longer than %zu characters", var->name,
                     var->size - 1);
            return TS_EINVAL;
        }
        strcpy(field, val);
        return 0;
    }
    return TS_EINVAL;
}

/* An origin is "scheme://host[:port]" with no path, as browsers send it. */
static bool origin_is_valid(const char *o)
{
    const char *host;

    if (strncmp(o, "http://", 7) == 0)
        host = o + 7;
    else if (strncmp(o, "https://", 8) == 0)
        host = o + 8;
    else
        return false;
    if (*host == '\0')
        return false;
    for (const char *p = host; *p; p++)
        if (*p == '/' || *p == ' ' || *p == ',' || *p == '?' || *p == '#')
            return false;
    return true;
}

static int load_cors(struct config *cfg, const char *val, char *err, size_t errlen)
{
    const char *p = val;

    cfg->cors_any = false;
    cfg->cors_count = 0;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n > 0 && (*p == ' ' || *p == '\t'))
            p++, n--;
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n > 0) {
            char o[256];
            if (n >= sizeof(o) || cfg->cors_count == CONFIG_MAX_ORIGINS)
                goto bad;
            memcpy(o, p, n);
            o[n] = '\0';
            if (strcmp(o, "*") == 0)
                cfg->cors_any = true;
            else if (!origin_is_valid(o))
                goto bad;
            else
                strcpy(cfg->cors_origins[cfg->cors_count++], o);
        }
        if (end == NULL)
            break;
        p = end + 1;
    }
    return 0;
bad:
    snprintf(err, errlen,
             "invalid CORS_ORIGINS: expected '*' or comma-separated origins like "
             "https://app.example.com (at most %d)",
             CONFIG_MAX_ORIGINS);
    return TS_EINVAL;
}

static int check_database_url(struct config *cfg, char *err, size_t errlen)
{
    const char *u = cfg->database_url;

    if (strncmp(u, "sqlite:", 7) == 0 && u[7] != '\0') {
        cfg->backend = DB_SQLITE;
        cfg->sqlite_path = u + 7;
        /* Accept the common sqlite:///path spelling too. */
        if (strncmp(cfg->sqlite_path, "//", 2) == 0)
            cfg->sqlite_path += 2;
        return 0;
    }
    if ((strncmp(u, "postgresql://", 13) == 0 || strncmp(u, "postgres://", 11) == 0)) {
        cfg->backend = DB_POSTGRES;
        cfg->sqlite_path = NULL;
        return 0;
    }
    snprintf(err, errlen,
             "invalid DATABASE_URL: expected sqlite:<file path> or postgresql://user:pass@host/db");
    return TS_EINVAL;
}

/* Project ids are lower-case letters, digits and '-'; legacy domain-scoped ones add '.' and ':'
 * ("example.com:my-project"). Checked so the Cloud Logging trace field needs no escaping. */
static int check_cloud_project(const char *p, char *err, size_t errlen)
{
    for (const char *c = p; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr("-.:", *c))) {
            snprintf(err, errlen,
                     "invalid GOOGLE_CLOUD_PROJECT: expected a project id like my-project-123");
            return TS_EINVAL;
        }
    return 0;
}

static int check_host(const char *host, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;

    if (host[0] == '\0' || getaddrinfo(host, "8000", &hints, &res) != 0) {
        snprintf(err, errlen, "invalid HOST: not an address or resolvable host name");
        return TS_EINVAL;
    }
    freeaddrinfo(res);
    return 0;
}

int config_load(struct config *cfg, config_getenv_fn get, void *ctx, char *err, size_t errlen)
{
    if (get == NULL)
        get = env_get;
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        const char *val = get(vars[i].name, ctx);
        int rc = load_var(cfg, &vars[i], val ? val : vars[i].def, err, errlen);
        if (rc < 0)
            return rc;
    }
    const char *level = get("LOG_LEVEL", ctx);
    cfg->log_level = log_level_parse(level ? level : "info");
    if (cfg->log_level < 0) {
        snprintf(err, errlen, "invalid LOG_LEVEL: must be debug, info, warning or error");
        return TS_EINVAL;
    }
    const char *cors = get("CORS_ORIGINS", ctx);
    if (load_cors(cfg, cors ? cors : "", err, errlen) < 0)
        return TS_EINVAL;
    if (check_database_url(cfg, err, errlen) < 0 || check_host(cfg->host, err, errlen) < 0 ||
        check_cloud_project(cfg->google_cloud_project, err, errlen) < 0)
        return TS_EINVAL;
    const char *k_service = get("K_SERVICE", ctx);
    cfg->on_cloud_run = k_service != NULL && k_service[0] != '\0';
    return 0;
}

bool config_origin_allowed(const struct config *cfg, const char *origin)
{
    if (cfg->cors_any)
        return true;
    for (int i = 0; i < cfg->cors_count; i++)
        if (strcmp(cfg->cors_origins[i], origin) == 0)
            return true;
    return false;
}
