/*
 * Helpers shared by the fuzz harnesses (fuzz/fuzz_*.c; docs/RELIABILITY.md, "Fuzzing"). Header
 * only, so a harness stays one file that fuzz/CMakeLists.txt finds by its name.
 *
 * fuzz_init() once per process: log lines go to /dev/null (only errors are formatted at all)
 * and jansson's hash seed is fixed, so a run is deterministic. fuzz_req_init() gives a request
 * with no database to reply through, and fuzz_reply_valid() renders a validation pass as the
 * server does (http_valid_or_reply()) and checks the 422 it queues.
 */
#ifndef TS_FUZZ_FUZZ_H
#define TS_FUZZ_FUZZ_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "http/http.h"
#include "http/request.h"
#include "util/log.h"
#include "util/validate.h"

/* A failed property: reported like a crash, so libFuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static inline void fuzz_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd >= 0)
        log_set_fd(fd); /* kept open for the life of the process */
    log_set_level(LOG_ERROR);
    json_object_seed(1);
}

/* The configuration of a request: the defaults a server without variables has. */
static inline const struct config *fuzz_config(void)
{
    static struct config cfg = {.max_body_bytes = 1048576, .token_ttl_seconds = 86400};
    return &cfg;
}

/* A request with no database and no server: for helpers that take one, and for replies. */
static inline void fuzz_req_init(struct http_req *r)
{
    http_req_init(r, fuzz_config(), NULL, NULL);
}

/* `s` (not NUL-terminated, `n` bytes) as a C string in the request's arena. */
static inline char *fuzz_strndup(struct http_req *r, const uint8_t *s, size_t n)
{
    char *c = arena_alloc(&r->arena, n + 1);
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

/*
 * Checks a queued JSON reply: status `status`, a body that parses as an object with `detail`;
 * for a 422, `detail` is a non-empty list of {"loc":[...],"msg":"...","type":"..."} (§1.3).
 */
static inline void fuzz_check_reply(const struct http_req *r, int status)
{
    FUZZ_CHECK(r->replied && r->status == status);
    FUZZ_CHECK(r->reply_body != NULL && strlen(r->reply_body) == r->reply_len);
    json_t *doc = json_loads(r->reply_body, 0, NULL);
    FUZZ_CHECK(json_is_object(doc));
    json_t *detail = json_object_get(doc, "detail");
    if (status == 422) {
        FUZZ_CHECK(json_is_array(detail) && json_array_size(detail) > 0);
        size_t i;
        json_t *item;
        json_array_foreach(detail, i, item)
        {
            json_t *loc = json_object_get(item, "loc");
            FUZZ_CHECK(json_is_array(loc) && json_array_size(loc) > 0);
            FUZZ_CHECK(json_is_string(json_object_get(item, "msg")));
            FUZZ_CHECK(json_is_string(json_object_get(item, "type")));
        }
    } else {
        FUZZ_CHECK(json_is_string(detail));
    }
    json_decref(doc);
}

/* Ends the validation pass `v` as a handler does (http_valid_or_reply(), which frees it): with
 * errors, the 422 is queued on `r` and checked. Returns 0 when `v` had no error. */
static inline int fuzz_reply_valid(struct http_req *r, struct valid *v)
{
    if (http_valid_or_reply(r, v) == 0) {
        FUZZ_CHECK(!r->replied);
        return 0;
    }
    fuzz_check_reply(r, 422);
    return -1;
}

#endif
