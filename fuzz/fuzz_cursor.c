/*
 * Pagination cursors (docs/RELIABILITY.md, "Fuzzing"): byte 0 picks the list (its scope string,
 * as the list endpoints build them) in bits 0-3 and the mode in bits 4-5:
 *   0  the rest is the `cursor` query value, decoded with cursor_decode() as api/page.c does;
 *   1  the rest is a payload, sent with a valid MAC: a cursor as a server instance would sign
 *      it, which reaches the payload checks behind the MAC;
 *   2  the rest fills a struct cursor, which cursor_encode() must encode so that
 *      cursor_decode() gives it back.
 * A cursor that decodes must encode again and decode to the same position, and never decode
 * under another list's scope.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/cursor.h"
#include "fuzz.h"

static const char *const scopes[] = {
    "users|-1|-1|",
    "modules|-1|-1||",
    "modules|1|0|00000000-0000-4000-8000-000000000001|intro",
    "progress|-1",
    "feedback|00000000-0000-4000-8000-000000000001|0|",
    "checkins||",
    "checkins|2026-01-01|2026-12-31",
    "assignments|00000000-0000-4000-8000-000000000001|",
    "my-assignments|-1",
    "notifications|0",
    "notifications|1",
};
#define NSCOPES (sizeof(scopes) / sizeof(scopes[0]))

static uint8_t key[CURSOR_KEY_BYTES];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    FUZZ_CHECK(sodium_init() >= 0);
    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (uint8_t)(i * 7 + 1); /* fixed: runs are reproducible */
    return 0;
}

static bool same(const struct cursor *a, const struct cursor *b)
{
    return a->key_is_text == b->key_is_text && strcmp(a->id, b->id) == 0 &&
           (a->key_is_text ? strcmp(a->key_text, b->key_text) == 0 : a->key_int == b->key_int);
}

/* A decoded cursor: encodes again to one that decodes to the same, for its scope only. */
static void check_decoded(size_t s, const struct cursor *c)
{
    struct cursor back;
    char *text = cursor_encode(key, scopes[s], c);

    FUZZ_CHECK(text != NULL);
    FUZZ_CHECK(cursor_decode(key, scopes[s], text, &back) == 0 && same(c, &back));
    FUZZ_CHECK(cursor_decode(key, scopes[(s + 1) % NSCOPES], text, &back) < 0);
    free(text);
}

/* `payload` signed as cursor_encode() signs: base64url(payload) "." base64url(MAC[0..16)). */
static char *sign(const uint8_t *payload, size_t len)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    size_t plen = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    size_t mlen = sodium_base64_ENCODED_LEN(16, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *text = malloc(plen + mlen);

    FUZZ_CHECK(text != NULL);
    crypto_auth_hmacsha256(mac, payload, len, key);
    sodium_bin2base64(text, plen, payload, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    text[plen - 1] = '.';
    sodium_bin2base64(text + plen, mlen, mac, 16, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cursor c, back;
    char *text;

    if (size < 1)
        return 0;
    size_t s = (data[0] & 15) % NSCOPES;
    const uint8_t *rest = data + 1;
    size_t n = size - 1;

    switch ((data[0] >> 4) & 3) {
    case 0:
        text = malloc(n + 1);
        FUZZ_CHECK(text != NULL);
        memcpy(text, rest, n);
        text[n] = '\0';
        if (cursor_decode(key, scopes[s], text, &c) == 0)
            check_decoded(s, &c);
        free(text);
        break;
    case 1:
        text = sign(rest, n);
        if (cursor_decode(key, scopes[s], text, &c) == 0)
            check_decoded(s, &c);
        free(text);
        break;
    default:
        memset(&c, 0, sizeof(c));
        if (n < 1 + 8 + STR_UUID_SIZE)
            return 0;
        c.key_is_text = rest[0] & 1;
        memcpy(&c.key_int, rest + 1, 8);
        memcpy(c.id, rest + 9, STR_UUID_SIZE);
        c.id[STR_UUID_SIZE - 1] = '\0';
        size_t tn = n - 9 - STR_UUID_SIZE;
        if (tn > sizeof(c.key_text) - 1)
            tn = sizeof(c.key_text) - 1;
        memcpy(c.key_text, rest + 9 + STR_UUID_SIZE, tn);
        c.key_text[tn] = '\0';
        text = cursor_encode(key, scopes[s], &c);
        if (text != NULL) {
            FUZZ_CHECK(cursor_decode(key, scopes[s], text, &back) == 0);
            if (!c.key_is_text)
                c.key_text[0] = '\0';
            else
                c.key_int = 0;
            FUZZ_CHECK(same(&c, &back));
            free(text);
        }
        break;
    }
    return 0;
}
