/* Token and password helpers (util/crypto.c). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/crypto.h"

static void setup(void)
{
    cr_assert_eq(crypto_init(), 0);
}

TestSuite(crypto, .init = setup);

Test(crypto, tokens_are_prefixed_random_and_hashed)
{
    char a[CRYPTO_TOKEN_LEN], b[CRYPTO_TOKEN_LEN];
    char ha[CRYPTO_TOKEN_HASH_LEN], hb[CRYPTO_TOKEN_HASH_LEN], again[CRYPTO_TOKEN_HASH_LEN];

    crypto_token_new(a, ha);
    crypto_token_new(b, hb);
    cr_assert(strncmp(a, "tsk_", 4) == 0);
    cr_assert_eq(strlen(a), 47, "tsk_ + 43 base64url characters (256 bits)");
    cr_assert_eq(strspn(a + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                 43);
    cr_assert_str_neq(a, b);
    cr_assert_eq(strlen(ha), 64);
    cr_assert_str_neq(ha, hb);
    crypto_token_hash(a, again);
    cr_assert_str_eq(again, ha, "the stored hash is reproducible from the token");
    cr_assert_null(strstr(ha, a + 4), "the hash does not contain the token");
}

Test(crypto, token_hash_is_sha256_hex)
{
    char h[CRYPTO_TOKEN_HASH_LEN];
    crypto_token_hash("abc", h);
    cr_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(crypto, password_hash_verifies_only_the_right_password)
{
    char h[CRYPTO_PWHASH_LEN];
    cr_assert_eq(crypto_password_hash("correct horse", h), 0);
    cr_assert(strncmp(h, "$argon2id$", 10) == 0, "%s", h);
    cr_assert(crypto_password_verify("correct horse", h));
    cr_assert_not(crypto_password_verify("correct horsf", h));
    cr_assert_not(crypto_password_verify("", h));
    cr_assert_not(crypto_password_verify("correct horse", "not a hash"));
    char h2[CRYPTO_PWHASH_LEN];
    cr_assert_eq(crypto_password_hash("correct horse", h2), 0);
    cr_assert_str_neq(h, h2, "salted");
    crypto_password_burn("anything"); /* must simply return */
}

/* An unknown email's login must cost what a known one's does: the fixed hash it verifies
 * against has today's parameters (regenerate it in crypto.c when they change). */
Test(crypto, burn_hash_has_the_current_parameters)
{
    cr_assert(crypto_password_burn_is_current());
}

static void assert_uuid_v4_form(const char *u)
{
    cr_assert_eq(strlen(u), 36);
    cr_assert_eq(u[14], '4');
    cr_assert(strchr("89ab", u[19]) != NULL);
    for (int i = 0; i < 36; i++)
        cr_assert(i == 8 || i == 13 || i == 18 || i == 23
                      ? u[i] == '-'
                      : strchr("0123456789abcdef", u[i]) != NULL);
}

Test(crypto, uuid_v4_is_canonical)
{
    char u[STR_UUID_SIZE];
    crypto_uuid_v4(u);
    assert_uuid_v4_form(u);
}

static void *request_ids(void *arg)
{
    char(*ids)[STR_UUID_SIZE] = arg;
    for (int i = 0; i < 1000; i++)
        crypto_request_id(ids[i]);
    return NULL;
}

static int cmp_ids(const void *a, const void *b)
{
    return strcmp(a, b);
}

Test(crypto, request_ids_are_uuid_shaped_and_unique_across_threads)
{
    static char ids[4000][STR_UUID_SIZE];
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, request_ids, ids[i * 1000]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 4000; i++)
        assert_uuid_v4_form(ids[i]);
    qsort(ids, 4000, STR_UUID_SIZE, cmp_ids);
    for (int i = 1; i < 4000; i++)
        cr_assert_str_neq(ids[i - 1], ids[i]);
    /* consecutive ids of one thread do not look consecutive */
    char a[STR_UUID_SIZE], b[STR_UUID_SIZE];
    crypto_request_id(a);
    crypto_request_id(b);
    cr_assert_neq(strncmp(a + 24, b + 24, 8), 0);
}

Test(crypto, secret_equals_only_for_the_same_secret)
{
    cr_assert(crypto_secret_equals("scrape-token-1", "scrape-token-1"));
    cr_assert_not(crypto_secret_equals("scrape-token-2", "scrape-token-1"));
    cr_assert_not(crypto_secret_equals("scrape-token", "scrape-token-1")); /* a prefix */
    cr_assert_not(crypto_secret_equals("scrape-token-1x", "scrape-token-1"));
    cr_assert_not(crypto_secret_equals("", "scrape-token-1"));
}
