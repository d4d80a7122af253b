/*
 * Where a notification stream's replay starts (docs/RELIABILITY.md, "Fuzzing"): byte 0 says
 * whether the rest is sent as the Last-Event-ID header (bit 0), as the last_event_id query
 * parameter (bit 1), or both, the header then being the part before the first newline.
 * api_stream_replay_after() reads them as GET /api/v1/notifications/stream does; a replay
 * point is a non-negative integer that prints back as the decimal the client sent.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "api/notification_stream.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_req r;

    if (size < 1)
        return 0;
    unsigned how = data[0] & 3;
    const uint8_t *rest = data + 1;
    size_t n = size - 1;
    const uint8_t *nl = memchr(rest, '\n', n);
    size_t head_len = how == 3 && nl != NULL ? (size_t)(nl - rest) : n;

    fuzz_req_init(&r);
    if (how & 1)
        http_req_add_header(&r, "Last-Event-ID", fuzz_strndup(&r, rest, head_len));
    if (how & 2) {
        const uint8_t *q = how == 3 && nl != NULL ? nl + 1 : rest;
        size_t qn = how == 3 && nl != NULL ? n - head_len - 1 : n;
        /* Query values arrive percent-decoded and may hold any byte, NUL included. */
        http_req_add_query_n(&r, "last_event_id", 13, (const char *)q, qn);
    }
    int64_t after = -1;
    if (api_stream_replay_after(&r, &after)) {
        const char *used = http_header(&r, "Last-Event-ID");
        if (used == NULL)
            used = http_query(&r, "last_event_id");
        FUZZ_CHECK(used != NULL && after >= 0);
        char back[32];
        snprintf(back, sizeof(back), "%" PRId64, after);
        /* Leading zeros and "-0" are accepted: compare the value, not the spelling. */
        const char *digits = used + (used[0] == '-');
        while (digits[0] == '0' && digits[1] != '\0')
            digits++;
        FUZZ_CHECK(strcmp(back, digits) == 0);
    }
    http_req_free(&r);
    return 0;
}
