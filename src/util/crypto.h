/*
 * Randomness and identifiers from libsodium. crypto_init() must run once before any thread
 * calls the others; afterwards they are thread safe.
 */
#ifndef TS_UTIL_CRYPTO_H
#define TS_UTIL_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "util/str.h"

/* Initialises libsodium; 0 or TS_EINTERNAL. */
int crypto_init(void);

/* A random UUID v4 in canonical lowercase form. */
void crypto_uuid_v4(char out[STR_UUID_SIZE]);

/* A unique id in UUID v4 form for requests and logs: random per thread, then counted, so it
 * costs no system call (not for secrets or stored ids). */
void crypto_request_id(char out[STR_UUID_SIZE]);

/* Access tokens: "tsk_" + 43 base64url characters of 256 random bits. */
#define CRYPTO_TOKEN_LEN 48      /* 47 characters plus NUL */
#define CRYPTO_TOKEN_HASH_LEN 65 /* 64 hex characters plus NUL */

/* A new random access token and the hash under which it is stored. */
void crypto_token_new(char token[CRYPTO_TOKEN_LEN], char hash[CRYPTO_TOKEN_HASH_LEN]);

/* The stored hash of a presented token (SHA-256, hex). Tokens carry 256 random bits, so a fast
 * hash is enough: there is nothing to brute-force. */
void crypto_token_hash(const char *token, char hash[CRYPTO_TOKEN_HASH_LEN]);

/* The SHA-256 of `len` bytes, as 64 lower-case hex digits (the ETags of the web app's files). */
#define CRYPTO_SHA256_HEX_LEN 65
void crypto_sha256_hex(const void *data, size_t len, char hex[CRYPTO_SHA256_HEX_LEN]);

/* Whether two secrets (a presented bearer token and a configured one) are equal, in a time that
 * tells nothing about how much of `given` was right, nor how long `want` is: their SHA-256
 * digests are compared with libsodium's constant-time crypto_verify_32(). */
bool crypto_secret_equals(const char *given, const char *want);

#define CRYPTO_PWHASH_LEN 128 /* crypto_pwhash_STRBYTES */

/*
 * Hashes a password with argon2id (libsodium crypto_pwhash_str). Parameters: see crypto.c.
 * At most as many hashes run at once as the machine has cores; other callers wait, so a burst
 * of logins cannot take all memory. 0, or TS_EINTERNAL.
 */
int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_LEN]);

/* True when `password` matches the stored hash. Same concurrency bound as hashing. */
bool crypto_password_verify(const char *password, const char *stored);

/* Runs one verification against a fixed hash, so that an unknown email costs as much time as
 * a wrong password. */
void crypto_password_burn(const char *password);

/* True when the fixed hash crypto_password_burn() verifies against has the parameters new
 * hashes get, so that it costs what a real verification costs (a unit test). */
bool crypto_password_burn_is_current(void);

/* How many verifications this process ran (crypto_password_verify(), burns included); the
 * counter behind trainsmart_password_verifications_total. */
unsigned long long crypto_password_verifications(void);

#endif
