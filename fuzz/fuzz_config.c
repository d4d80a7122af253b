/*
 * The configuration parser (docs/RELIABILITY.md, "Fuzzing"): the input is a list of
 * "NAME=value" lines, served to config_load() by its getenv callback (a name not listed is
 * unset). Every variable config_load() reads can be reached; a load that succeeds must give a
 * configuration within the documented ranges, one that fails a one-line message naming the
 * variable.
 *
 * HOST is resolved with getaddrinfo(), which may ask DNS: to stay off the network, a HOST that
 * is not a numeric address or "localhost" is dropped (so the default applies).
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "util/err.h"

#define MAX_VARS 64

struct env {
    int n;
    const char *name[MAX_VARS];
    const char *value[MAX_VARS];
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

static const char *env_get(const char *name, void *ctx)
{
    const struct env *e = ctx;
    const char *found = NULL;

    for (int i = 0; i < e->n; i++) /* the last of a name wins, as in a shell */
        if (strcmp(e->name[i], name) == 0)
            found = e->value[i];
    return found;
}

static bool host_is_offline(const char *v)
{
    unsigned char addr[16];

    return strcmp(v, "localhost") == 0 || inet_pton(AF_INET, v, addr) == 1 ||
           inet_pton(AF_INET6, v, addr) == 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_req r; /* only for its arena */
    struct env e = {0};
    struct config cfg;
    char err[256];
    size_t at = 0;

    fuzz_req_init(&r);
    while (at < size && e.n < MAX_VARS) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t len = nl ? (size_t)(nl - (data + at)) : size - at;
        char *line = fuzz_strndup(&r, data + at, len); /* a NUL ends it, as in environ */
        char *eq = strchr(line, '=');
        at += len + 1;
        if (eq == NULL)
            continue;
        *eq = '\0';
        if (strcmp(line, "HOST") == 0 && !host_is_offline(eq + 1))
            continue;
        e.name[e.n] = line;
        e.value[e.n] = eq + 1;
        e.n++;
    }
    err[0] = '\0';
    int rc = config_load(&cfg, env_get, &e, err, sizeof(err));
    if (rc == 0) {
        FUZZ_CHECK(cfg.port >= 1 && cfg.port <= 65535);
        FUZZ_CHECK(cfg.backend == DB_SQLITE || cfg.backend == DB_POSTGRES);
        FUZZ_CHECK(cfg.backend != DB_SQLITE || cfg.sqlite_path != NULL);
        FUZZ_CHECK(cfg.max_body_bytes >= 1024 && cfg.max_body_bytes <= 104857600);
        FUZZ_CHECK(cfg.cors_count >= 0 && cfg.cors_count <= CONFIG_MAX_ORIGINS);
        FUZZ_CHECK(cfg.log_level >= LOG_DEBUG && cfg.log_level <= LOG_ERROR);
        for (int i = 0; i < cfg.cors_count; i++)
            FUZZ_CHECK(config_origin_allowed(&cfg, cfg.cors_origins[i]));
    } else {
        FUZZ_CHECK(rc == TS_EINVAL);
        FUZZ_CHECK(strncmp(err, "invalid ", 8) == 0 && strchr(err, '\n') == NULL);
    }
    http_req_free(&r);
    return 0;
}
