/*
 * Screen content per type (docs/RELIABILITY.md, "Fuzzing"): byte 0 picks the screen type
 * (content, question, reflection, checklist, branch), the rest is the content JSON.
 *
 * The JSON is parsed as the body parser does (jansson, JSON_DECODE_ANY), then goes through
 * content_validate() at ["body","content"] as the screen endpoints call it, and the 422 is
 * rendered as the server does. Valid content must normalise to a fixed point (validating the
 * normalised document again gives no error and the same document), and is redacted at every
 * level of §6.4 for every flow, as the module view does for learners.
 */
#include <stdint.h>
#include <stdlib.h>

#include "domain/content.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

static void redact_all(enum screen_type type, json_t *content)
{
    for (int flow = FLOW_LINEAR; flow <= FLOW_ASSESSMENT; flow++) {
        for (unsigned bits = 0; bits < 16; bits++) {
            struct redact_ctx ctx = {.full_view = bits & 1,
                                     .answered = bits & 2,
                                     .submitted = bits & 4,
                                     .no_more_attempts = bits & 8};
            json_t *shown = content_redact((enum flow_type)flow, type, content, &ctx);
            FUZZ_CHECK(json_is_object(shown));
            json_decref(shown);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_req r;
    struct valid v;
    json_t *norm = NULL, *again = NULL;

    if (size < 1)
        return 0;
    enum screen_type type = (enum screen_type)(data[0] % 5);
    json_t *content = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY, NULL);
    if (!json_is_object(content)) { /* the body's schema check (dict_type) stops anything else */
        json_decref(content);
        return 0;
    }
    fuzz_req_init(&r);
    valid_init(&v, &r.arena, "body");
    valid_push_key(&v, "content");
    int rc = content_validate(&v, type, content, &norm);
    valid_pop(&v);
    FUZZ_CHECK((rc == 0) == valid_ok(&v) && (rc == 0) == (norm != NULL));
    fuzz_reply_valid(&r, &v);
    if (norm != NULL) {
        valid_init(&v, &r.arena, "body");
        FUZZ_CHECK(content_validate(&v, type, norm, &again) == 0);
        FUZZ_CHECK(json_equal(norm, again));
        valid_free(&v);
        redact_all(type, norm);
    }
    json_decref(again);
    json_decref(norm);
    json_decref(content);
    http_req_free(&r);
    return 0;
}
