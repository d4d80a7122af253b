/*
 * Randomness and identifiers from libsodium. crypto_init() must run once before any thread
 * calls the others; afterwards they are thread safe.
 */
#ifndef TS_UTIL_CRYPTO_H
#define TS_UTIL_CRYPTO_H

#define UUID_STR_LEN 37 /* 36 characters plus NUL */

/* Initialises libsodium; 0 or TS_EINTERNAL. */
int crypto_init(void);

/* A random UUID v4 in canonical lowercase form. */
void crypto_uuid_v4(char out[UUID_STR_LEN]);

#endif
