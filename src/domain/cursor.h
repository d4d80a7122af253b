/*
 * Opaque keyset-pagination cursors (API.md §1.7).
 *
 * A cursor carries the sort key of the last item of a page (an int64 such as created_at in
 * milliseconds, or a text key such as a date) and that item's id, bound to a `scope` string
 * that names the endpoint, its concrete path and its filter values. It is authenticated with
 * HMAC-SHA-256 under a key shared by every instance, so an altered, foreign (other scope) or
 * undecodable cursor is rejected.
 *
 * Format (URL-safe, no padding): base64url(payload) "." base64url(first 16 bytes of the MAC),
 * where payload is compact JSON {"k":<int or string>,"i":"<id>","s":"<hex sha256 of scope>"}.
 *
 * Thread safe; no global state.
 */
#ifndef TS_DOMAIN_CURSOR_H
#define TS_DOMAIN_CURSOR_H

#include <stdbool.h>
#include <stdint.h>

#include "util/str.h"

#define CURSOR_KEY_BYTES 32

struct cursor {
    bool key_is_text; /* which of the two keys is set */
    int64_t key_int;
    char key_text[64];
    char id[STR_UUID_SIZE];
};

/* Encodes `c` for `scope`; returns a malloc'ed string (caller frees). */
char *cursor_encode(const uint8_t key[CURSOR_KEY_BYTES], const char *scope, const struct cursor *c);

/* Decodes `text`; 0, or -1 when it is malformed, altered, or made for another scope. */
int cursor_decode(const uint8_t key[CURSOR_KEY_BYTES], const char *scope, const char *text,
                  struct cursor *out);

#endif
