/*
 * The tracing headers (docs/RELIABILITY.md, "Fuzzing"): the input up to its first newline is a
 * `traceparent` header value, the rest an `X-Request-ID` value. Both are added as received
 * headers (http_req_add_header(), which trims them as the server does), then read as the
 * pipeline reads them: http_traceparent_parse() and http_request_id_is_valid().
 *
 * What is accepted is checked against W3C Trace Context and the rule for request ids, since
 * both end up in every log line and the id in the X-Request-ID reply header: ids of lower-case
 * hex and not all zero; request ids of 1..128 characters with nothing that needs escaping.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

static bool lower_hex_nonzero(const char *s, size_t n)
{
    bool nonzero = false;

    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
        nonzero |= s[i] != '0';
    }
    return nonzero && s[n] == '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_req r;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t tp_len = nl ? (size_t)(nl - data) : size;

    fuzz_req_init(&r);
    /* Header values reach the pipeline as C strings: libmicrohttpd ends them at a NUL. */
    http_req_add_header(&r, "traceparent", fuzz_strndup(&r, data, tp_len));
    if (nl != NULL)
        http_req_add_header(&r, "X-Request-ID", fuzz_strndup(&r, nl + 1, size - tp_len - 1));

    char trace_id[33], span_id[17];
    bool sampled = false;
    const char *tp = http_header(&r, "traceparent");
    if (http_traceparent_parse(tp, trace_id, span_id, &sampled)) {
        FUZZ_CHECK(strlen(tp) >= 55);
        FUZZ_CHECK(lower_hex_nonzero(trace_id, 32) && lower_hex_nonzero(span_id, 16));
        FUZZ_CHECK(memcmp(tp + 3, trace_id, 32) == 0 && memcmp(tp + 36, span_id, 16) == 0);
    }
    const char *rid = http_header(&r, "X-Request-ID");
    if (rid != NULL && http_request_id_is_valid(rid)) {
        size_t n = strlen(rid);
        FUZZ_CHECK(n >= 1 && n <= 128);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(rid[i] > ' ' && rid[i] < 0x7f && rid[i] != '"' && rid[i] != '\\');
    }
    http_req_free(&r);
    return 0;
}
