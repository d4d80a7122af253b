/*
 * Opaque keyset-pagination cursors (API.md §1.7): encoding, then the strict decoder.
 *
 * The MAC covers the payload bytes exactly as sent, so the decoder authenticates before it
 * parses: JSON from an unauthenticated client never reaches jansson. Whatever has a valid MAC
 * was made by some instance of this server, yet it is still checked field by field, because a
 * cursor must stay rejectable after the payload shape changes between releases.
 *
 * The scope travels only as its SHA-256 so that filter values (which may include e-mail
 * addresses) are not readable from a cursor, and the cursor length does not grow with them.
 */
#include "domain/cursor.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "util/arena.h"

#define VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define MAC_BYTES 16
#define SCOPE_HEX_LEN (crypto_hash_sha256_BYTES * 2)

/*
 * The longest cursor encode can produce is about 690 characters: a 63-byte text key of control
 * characters, each escaped as \u00XX, makes a 500-byte payload. Anything longer is refused
 * before decoding.
 */
#define MAX_TEXT_LEN 1024
#define MAX_PAYLOAD_BYTES (MAX_TEXT_LEN / 4 * 3)

_Static_assert(CURSOR_KEY_BYTES == crypto_auth_hmacsha256_KEYBYTES, "HMAC key size");

/* --- shared helpers ---------------------------------------------------------------------- */

static void scope_hex(const char *scope, char hex[SCOPE_HEX_LEN + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, (const unsigned char *)scope, strlen(scope));
    sodium_bin2hex(hex, SCOPE_HEX_LEN + 1, h, sizeof(h));
}

static void mac16(const uint8_t key[CURSOR_KEY_BYTES], const unsigned char *msg, size_t len,
                  unsigned char out[MAC_BYTES])
{
    unsigned char full[crypto_auth_hmacsha256_BYTES];

    crypto_auth_hmacsha256(full, msg, len, key);
    memcpy(out, full, MAC_BYTES);
}

/* Canonical lowercase UUID: 8-4-4-4-12 hex digits. The version is not checked. */
static bool is_uuid(const char *s, size_t len)
{
    if (len != 36)
        return false;
    for (size_t i = 0; i < len; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];

        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

/* --- encoding ---------------------------------------------------------------------------- */

static json_t *payload_new(const char *scope, const struct cursor *c)
{
    char hex[SCOPE_HEX_LEN + 1];

    if (!is_uuid(c->id, strnlen(c->id, sizeof(c->id))))
        return NULL;
    if (c->key_is_text && strnlen(c->key_text, sizeof(c->key_text)) == sizeof(c->key_text))
        return NULL;
    scope_hex(scope, hex);
    if (c->key_is_text)
        return json_pack("{s:s, s:s, s:s}", "k", c->key_text, "i", c->id, "s", hex);
    return json_pack("{s:I, s:s, s:s}", "k", (json_int_t)c->key_int, "i", c->id, "s", hex);
}

char *cursor_encode(const uint8_t key[CURSOR_KEY_BYTES], const char *scope, const struct cursor *c)
{
    json_t *payload = payload_new(scope, c);
    char *json = NULL;
    char *res = NULL;
    unsigned char mac[MAC_BYTES];
    size_t len, plen, mlen;

    if (payload == NULL) /* no UUID, unterminated or non-UTF-8 key: a caller's mistake */
        goto out;
    json = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    if (json == NULL)
        goto out;
    len = strlen(json);
    mac16(key, (const unsigned char *)json, len, mac);
    plen = sodium_base64_ENCODED_LEN(len, VARIANT); /* both lengths count the NUL */
    mlen = sodium_base64_ENCODED_LEN(MAC_BYTES, VARIANT);
    res = xmalloc(plen + mlen);
    sodium_bin2base64(res, plen, (const unsigned char *)json, len, VARIANT);
    res[plen - 1] = '.';
    sodium_bin2base64(res + plen, mlen, mac, sizeof(mac), VARIANT);
out:
    free(json);
    json_decref(payload);
    return res;
}

/* --- decoding ---------------------------------------------------------------------------- */

/*
 * Decodes exactly `len` base64url characters. libsodium stops at the first character outside
 * the alphabet and reports where; stopping early means garbage, so that is an error too. It
 * also rejects non-zero bits after the last byte, so each byte string has one encoding only.
 */
static int b64_decode(const char *s, size_t len, unsigned char *bin, size_t max, size_t *out_len)
{
    const char *end = NULL;

    if (len == 0)
        return -1;
    if (sodium_base642bin(bin, max, s, len, NULL, out_len, &end, VARIANT) != 0)
        return -1;
    return end == s + len ? 0 : -1;
}

/* Checks that the payload is {"k":..,"i":..,"s":..} for `scope` and fills `c`. */
static int parse_payload(const char *scope, const unsigned char *bytes, size_t len,
                         struct cursor *c)
{
    json_t *root = json_loadb((const char *)bytes, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *k, *i, *s;
    char hex[SCOPE_HEX_LEN + 1];
    int rc = -1;

    if (!json_is_object(root) || json_object_size(root) != 3)
        goto out;
    k = json_object_get(root, "k");
    i = json_object_get(root, "i");
    s = json_object_get(root, "s");
    if (!json_is_string(i) || !json_is_string(s))
        goto out;
    if (!is_uuid(json_string_value(i), json_string_length(i)))
        goto out;
    scope_hex(scope, hex);
    if (json_string_length(s) != SCOPE_HEX_LEN || strcmp(json_string_value(s), hex) != 0)
        goto out;
    memcpy(c->id, json_string_value(i), sizeof(c->id));
    if (json_is_integer(k)) {
        c->key_int = json_integer_value(k);
    } else if (json_is_string(k) && json_string_length(k) < sizeof(c->key_text)) {
        /* Jansson refuses \u0000 by default, so the length is the C string's length. */
        c->key_is_text = true;
        memcpy(c->key_text, json_string_value(k), json_string_length(k) + 1);
    } else {
        goto out;
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

int cursor_decode(const uint8_t key[CURSOR_KEY_BYTES], const char *scope, const char *text,
                  struct cursor *out)
{
    unsigned char payload[MAX_PAYLOAD_BYTES];
    unsigned char mac[MAC_BYTES + 1]; /* one spare byte so an over-long MAC fails on length */
    unsigned char want[MAC_BYTES];
    struct cursor c;
    const char *dot;
    size_t len, plen, mlen;

    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    if (text == NULL)
        return -1;
    len = strnlen(text, MAX_TEXT_LEN + 1);
    dot = memchr(text, '.', len);
    if (len > MAX_TEXT_LEN || dot == NULL)
        return -1;
    if (b64_decode(text, (size_t)(dot - text), payload, sizeof(payload), &plen) != 0)
        return -1;
    /* A second dot is not base64, so it fails here. */
    if (b64_decode(dot + 1, len - (size_t)(dot - text) - 1, mac, sizeof(mac), &mlen) != 0)
        return -1;
    if (mlen != MAC_BYTES)
        return -1;
    mac16(key, payload, plen, want);
    if (crypto_verify_16(mac, want) != 0)
        return -1;
    if (parse_payload(scope, payload, plen, &c) != 0)
        return -1;
    *out = c;
    return 0;
}
