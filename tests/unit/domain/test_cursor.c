/*
 * Unit tests for domain/cursor.c: round trips, scope binding, and rejection of every altered,
 * malformed or foreign cursor (API.md §1.7). Hand-made cursors are signed here with the same
 * libsodium calls, so that payloads with a valid MAC but a wrong shape can be tried.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/cursor.h"

#define VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define ID "3f2b8c1e-7d4a-4b6e-9a1c-5e8f0d2b7c94"
#define SCOPE "GET /api/v1/modules?status=published"

static uint8_t key[CURSOR_KEY_BYTES];
static uint8_t other_key[CURSOR_KEY_BYTES];

static void setup(void)
{
    cr_assert_geq(sodium_init(), 0);
    for (int i = 0; i < CURSOR_KEY_BYTES; i++) {
        key[i] = (uint8_t)i;
        other_key[i] = (uint8_t)(i + 1);
    }
}

TestSuite(cursor, .init = setup);

/* --- helpers ---------------------------------------------------------------------------- */

static struct cursor int_cursor(int64_t k)
{
    struct cursor c = {.key_is_text = false, .key_int = k};

    memcpy(c.id, ID, sizeof(ID));
    return c;
}

static struct cursor text_cursor(const char *k)
{
    struct cursor c = {.key_is_text = true};

    strcpy(c.key_text, k);
    memcpy(c.id, ID, sizeof(ID));
    return c;
}

static bool is_zeroed(const struct cursor *c)
{
    static const struct cursor zero;

    return memcmp(c, &zero, sizeof(zero)) == 0;
}

/* Decodes `text` under `k` and SCOPE, expecting rejection and a zeroed result. */
static void assert_rejected_with(const uint8_t *k, const char *text)
{
    struct cursor out;

    memset(&out, 0xa5, sizeof(out));
    cr_assert_eq(cursor_decode(k, SCOPE, text, &out), -1, "accepted \"%s\"", text);
    cr_assert(is_zeroed(&out), "output not zeroed for \"%s\"", text);
}

static void assert_rejected(const char *text)
{
    assert_rejected_with(key, text);
}

/* Signs `payload` (any bytes) under `k` the way cursor.c does; caller frees. */
static char *sign(const uint8_t *k, const char *payload)
{
    size_t len = strlen(payload);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    size_t plen = sodium_base64_ENCODED_LEN(len, VARIANT);
    size_t mlen = sodium_base64_ENCODED_LEN(16, VARIANT);
    char *res = malloc(plen + mlen);

    cr_assert_not_null(res);
    crypto_auth_hmacsha256(mac, (const unsigned char *)payload, len, k);
    sodium_bin2base64(res, plen, (const unsigned char *)payload, len, VARIANT);
    res[plen - 1] = '.';
    sodium_bin2base64(res + plen, mlen, mac, 16, VARIANT);
    return res;
}

/* The hex SHA-256 of `scope`, as the payload carries it. */
static const char *scope_hash(const char *scope)
{
    static char hex[crypto_hash_sha256_BYTES * 2 + 1];
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, (const unsigned char *)scope, strlen(scope));
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    return hex;
}

/* Signs `tmpl` with HASH replaced by the hash of SCOPE, then decodes it. */
static int decode_signed(const char *tmpl, struct cursor *out)
{
    char payload[1024];
    const char *h = strstr(tmpl, "HASH");
    char *text;
    int rc;

    if (h == NULL)
        snprintf(payload, sizeof(payload), "%s", tmpl);
    else
        snprintf(payload, sizeof(payload), "%.*s%s%s", (int)(h - tmpl), tmpl, scope_hash(SCOPE),
                 h + 4);
    text = sign(key, payload);
    memset(out, 0xa5, sizeof(*out));
    rc = cursor_decode(key, SCOPE, text, out);
    free(text);
    return rc;
}

static void assert_signed_rejected(const char *tmpl)
{
    struct cursor out;

    cr_assert_eq(decode_signed(tmpl, &out), -1, "accepted %s", tmpl);
    cr_assert(is_zeroed(&out), "output not zeroed for %s", tmpl);
}

/* Signs a payload whose "s" is `s`, expecting rejection. */
static void assert_scope_rejected(const char *s)
{
    char payload[256];
    char *text;

    snprintf(payload, sizeof(payload), "{\"i\":\"" ID "\",\"k\":1,\"s\":\"%s\"}", s);
    text = sign(key, payload);
    assert_rejected(text);
    free(text);
}

/* --- round trips ------------------------------------------------------------------------ */

Test(cursor, int_key_round_trips)
{
    const int64_t keys[] = {0, 1, -1, 1764236400000, INT64_MAX, INT64_MIN};

    for (size_t n = 0; n < sizeof(keys) / sizeof(keys[0]); n++) {
        struct cursor c = int_cursor(keys[n]);
        struct cursor out;
        char *text = cursor_encode(key, SCOPE, &c);

        cr_assert_not_null(text);
        cr_assert_eq(cursor_decode(key, SCOPE, text, &out), 0, "%s", text);
        cr_assert_not(out.key_is_text);
        cr_assert_eq(out.key_int, keys[n]);
        cr_assert_str_eq(out.id, ID);
        free(text);
    }
}

Test(cursor, text_key_round_trips)
{
    char longest[64];
    char controls[64];
    const char *keys[] = {"2026-11-27", "", "caf\xc3\xa9 \"quoted\" \\", longest, controls};

    memset(longest, 'z', 63);
    longest[63] = '\0';
    /* The worst case for JSON escaping: every byte becomes \u00XX. */
    for (int i = 0; i < 63; i++)
        controls[i] = (char)(1 + i % 31);
    controls[63] = '\0';
    for (size_t n = 0; n < sizeof(keys) / sizeof(keys[0]); n++) {
        struct cursor c = text_cursor(keys[n]);
        struct cursor out;
        char *text = cursor_encode(key, SCOPE, &c);

        cr_assert_not_null(text, "key %zu", n);
        cr_assert_eq(cursor_decode(key, SCOPE, text, &out), 0, "key %zu: %s", n, text);
        cr_assert(out.key_is_text);
        cr_assert_eq(out.key_int, 0);
        cr_assert_str_eq(out.key_text, keys[n]);
        cr_assert_str_eq(out.id, ID);
        free(text);
    }
}

Test(cursor, encoding_is_url_safe_with_one_dot)
{
    struct cursor c = text_cursor("2026-11-27");
    char *text = cursor_encode(key, SCOPE, &c);
    int dots = 0;

    cr_assert_not_null(text);
    for (const char *p = text; *p != '\0'; p++) {
        cr_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.", *p),
                  "'%c' in %s", *p, text);
        dots += *p == '.';
    }
    cr_assert_eq(dots, 1);
    cr_assert_str_eq(strchr(text, '.') + 1 + 22, ""); /* 16 MAC bytes are 22 characters */
    free(text);
}

Test(cursor, hand_signed_canonical_payload_is_accepted)
{
    struct cursor out;

    /* Confirms that sign() matches the real format, so the rejections below mean something. */
    cr_assert_eq(decode_signed("{\"i\":\"" ID "\",\"k\":42,\"s\":\"HASH\"}", &out), 0);
    cr_assert_eq(out.key_int, 42);
    cr_assert_str_eq(out.id, ID);
}

Test(cursor, encode_refuses_what_it_could_not_decode)
{
    struct cursor c = int_cursor(1);

    memcpy(c.id, "3F2B8C1E-7D4A-4B6E-9A1C-5E8F0D2B7C94", 37);
    cr_assert_null(cursor_encode(key, SCOPE, &c));
    c = text_cursor("\xff\xfe"); /* not UTF-8 */
    cr_assert_null(cursor_encode(key, SCOPE, &c));
}

/* --- foreign and altered cursors -------------------------------------------------------- */

Test(cursor, other_scope_is_rejected)
{
    struct cursor c = int_cursor(7);
    struct cursor out;
    char *text = cursor_encode(key, "GET /api/v1/modules?status=draft", &c);

    cr_assert_eq(cursor_decode(key, "GET /api/v1/modules?status=draft", text, &out), 0);
    assert_rejected(text); /* SCOPE */
    free(text);
}

Test(cursor, other_key_is_rejected)
{
    struct cursor c = int_cursor(7);
    char *text = cursor_encode(other_key, SCOPE, &c);

    assert_rejected(text);
    assert_rejected_with(other_key, "");
    free(text);
}

Test(cursor, any_changed_character_is_rejected)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
    struct cursor c = text_cursor("2026-11-27");
    char *text = cursor_encode(key, SCOPE, &c);
    size_t len = strlen(text);

    for (size_t pos = 0; pos < len; pos++) {
        char orig = text[pos];

        for (const char *a = alphabet; *a != '\0'; a++) {
            if (*a == orig)
                continue;
            text[pos] = *a;
            assert_rejected(text);
        }
        text[pos] = orig;
    }
    free(text);
}

Test(cursor, malformed_text_is_rejected)
{
    struct cursor c = int_cursor(7);
    char *text = cursor_encode(key, SCOPE, &c);
    size_t len = strlen(text);
    char *buf = malloc(len + 3);
    char *dot = strchr(text, '.');
    char big[2000];

    cr_assert_not_null(buf);
    /* Every truncation, including the empty string and the bare payload. */
    for (size_t n = 0; n < len; n++) {
        memcpy(buf, text, n);
        buf[n] = '\0';
        assert_rejected(buf);
    }
    /* Appended characters: a second dot, padding, base64 trailing garbage. */
    snprintf(buf, len + 3, "%s.", text);
    assert_rejected(buf);
    snprintf(buf, len + 3, "%s=", text);
    assert_rejected(buf);
    snprintf(buf, len + 3, "%sA", text); /* 23 characters: a valid 17-byte MAC */
    assert_rejected(buf);
    snprintf(buf, len + 3, "%sAA", text);
    assert_rejected(buf);
    /* The dot removed, moved to the front, doubled. */
    snprintf(buf, len + 3, "%.*s%s", (int)(dot - text), text, dot + 1);
    assert_rejected(buf);
    snprintf(buf, len + 3, ".%.*s%s", (int)(dot - text), text, dot + 1);
    assert_rejected(buf);
    snprintf(buf, len + 3, "%.*s.%s", (int)(dot - text + 1), text, dot + 1);
    assert_rejected(buf);
    free(buf);
    free(text);

    assert_rejected("");
    assert_rejected(".");
    assert_rejected("abc");
    assert_rejected("eyJ.eyJ.eyJ");
    assert_rejected("e$J9.AAAAAAAAAAAAAAAAAAAAAA");
    assert_rejected(NULL);
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[100] = '.';
    assert_rejected(big);
}

/* --- validly signed but wrongly shaped payloads ---------------------------------------- */

Test(cursor, signed_payload_with_wrong_fields_is_rejected)
{
    assert_signed_rejected("{\"i\":\"" ID "\",\"k\":42,\"s\":\"HASH\",\"x\":1}");
    assert_signed_rejected("{\"i\":\"" ID "\",\"s\":\"HASH\"}");
    assert_signed_rejected("{\"i\":\"" ID "\",\"k\":42,\"k\":43,\"s\":\"HASH\"}");
    assert_signed_rejected("{\"i\":\"" ID "\",\"k\":42,\"t\":\"HASH\"}");
    assert_signed_rejected("[\"" ID "\",42,\"HASH\"]");
    assert_signed_rejected("{\"i\":\"" ID "\",\"k\":42,\"s\":\"HASH\"}{}");
    assert_signed_rejected("HASH");
}

Test(cursor, signed_payload_with_bad_values_is_rejected)
{
    /* Keys: real, boolean, null, too big, too long (64 bytes). */
    assert_signed_rejected("{\"i\":\"" ID "\",\"k\":1.5,\"s\":\"HASH\"}");
    assert_signed_rejected("{\"i\":\"" ID "\",\"k\":true,\"s\":\"HASH\"}");
    assert_signed_rejected("{\"i\":\"" ID "\",\"k\":null,\"s\":\"HASH\"}");
    assert_signed_rejected("{\"i\":\"" ID "\",\"k\":9223372036854775808,\"s\":\"HASH\"}");
    assert_signed_rejected("{\"i\":\"" ID "\",\"k\":\"" /* 64 characters */
                           "0123456789012345678901234567890123456789012345678901234567890123"
                           "\",\"s\":\"HASH\"}");
    /* Ids: upper case, no dashes, one short, dash misplaced, non-hex, not a string. */
    assert_signed_rejected(
        "{\"i\":\"3F2B8C1E-7D4A-4B6E-9A1C-5E8F0D2B7C94\",\"k\":1,\"s\":\"HASH\"}");
    assert_signed_rejected("{\"i\":\"3f2b8c1e7d4a4b6e9a1c5e8f0d2b7c94\",\"k\":1,\"s\":\"HASH\"}");
    assert_signed_rejected(
        "{\"i\":\"3f2b8c1e-7d4a-4b6e-9a1c-5e8f0d2b7c9\",\"k\":1,\"s\":\"HASH\"}");
    assert_signed_rejected(
        "{\"i\":\"3f2b8c1e7-d4a-4b6e-9a1c-5e8f0d2b7c94\",\"k\":1,\"s\":\"HASH\"}");
    assert_signed_rejected(
        "{\"i\":\"3f2b8c1e-7d4a-4b6e-9a1c-5e8f0d2b7cg4\",\"k\":1,\"s\":\"HASH\"}");
    assert_signed_rejected("{\"i\":42,\"k\":1,\"s\":\"HASH\"}");
    /* Scope: one character too many; none at all. */
    assert_signed_rejected("{\"i\":\"" ID "\",\"k\":1,\"s\":\"HASH0\"}");
    assert_signed_rejected("{\"i\":\"" ID "\",\"k\":1}");
}

Test(cursor, signed_payload_with_other_scope_hash_is_rejected)
{
    char hex[65];

    strcpy(hex, scope_hash(SCOPE));
    hex[63] = '\0'; /* one character short */
    assert_scope_rejected(hex);
    strcpy(hex, scope_hash(SCOPE));
    for (char *p = hex; *p != '\0'; p++) /* the right hash in upper case */
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    assert_scope_rejected(hex);
    assert_scope_rejected(scope_hash("GET /api/v1/modules?status=draft"));
    assert_scope_rejected(SCOPE); /* the scope itself, unhashed */
    assert_scope_rejected("");
}
