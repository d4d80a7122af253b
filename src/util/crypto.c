/* libsodium wrappers; see crypto.h. */
#include "util/crypto.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"

/*
 * argon2id with libsodium's "interactive" parameters: 2 passes over 64 MiB. Measured on the
 * 2-core reference machine: 74 ms per hash (32 MiB: 27 ms; 3 passes over 32 MiB: 43 ms), inside
 * the 50-100 ms aim (docs/DECISIONS.md). Peak memory is 64 MiB times the number of concurrent
 * hashes, which the semaphore below bounds to the number of cores.
 */
#ifndef TS_CHEAP_PWHASH
#define PWHASH_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PWHASH_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE
#else
/* Fuzz and valgrind builds only (CMake TS_CHEAP_PWHASH, docs/RELIABILITY.md): argon2id at its
 * minimum (one pass over 8 KiB), so a login costs microseconds instead of 70 ms and a harness or
 * a run under memcheck spends its time on the rest of the server. Never in a release build:
 * `serve` says so at start. */
#define PWHASH_OPSLIMIT crypto_pwhash_OPSLIMIT_MIN
#define PWHASH_MEMLIMIT crypto_pwhash_MEMLIMIT_MIN
#endif

static sem_t pwhash_slots;          /* one per core */
static atomic_ullong verifications; /* crypto_password_verify() calls, burns included */

int crypto_init(void)
{
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    static bool done;
    int rc = 0;

    pthread_mutex_lock(&mu);
    if (!done) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        if (sodium_init() < 0 || sem_init(&pwhash_slots, 0, cores > 0 ? (unsigned)cores : 1) != 0)
            rc = TS_EINTERNAL;
        done = rc == 0;
    }
    pthread_mutex_unlock(&mu);
    return rc;
}

static void slot_take(void)
{
    while (sem_wait(&pwhash_slots) != 0)
        ; /* EINTR */
}

int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_LEN])
{
    slot_take();
    int rc = crypto_pwhash_str(out, password, strlen(password), PWHASH_OPSLIMIT, PWHASH_MEMLIMIT);
    sem_post(&pwhash_slots);
    return rc == 0 ? 0 : TS_EINTERNAL;
}

bool crypto_password_verify(const char *password, const char *stored)
{
    atomic_fetch_add_explicit(&verifications, 1, memory_order_relaxed);
    slot_take();
    int rc = crypto_pwhash_str_verify(stored, password, strlen(password));
    sem_post(&pwhash_slots);
    return rc == 0;
}

/*
 * What an unknown email's login verifies against: a fixed argon2id hash made with the current
 * parameters (its cost is read from the string), so it costs what a real verification costs
 * from the first login on, and `serve` spends nothing on it at start. A unit test checks that
 * its parameters are still PWHASH_OPSLIMIT and PWHASH_MEMLIMIT (crypto_password_burn_is_current()).
 */
#ifndef TS_CHEAP_PWHASH
static const char burn_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$Se9HfGzJ83ZN+6gBwUWXPA$a8MebP0/"
    "cia2EeEo9TS03sQCTpvZRze9TFyvqQOqJE4";
#else
static const char burn_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=8,t=1,p=1$mGN8N8WkGbCg3Dkn2lbGQQ$pqdOTJtzOe+F+2S9VbZuKNAm1+3t2ovSIxaPuwjUlLo";
#endif

void crypto_password_burn(const char *password)
{
    (void)crypto_password_verify(password, burn_hash);
}

bool crypto_password_burn_is_current(void)
{
    return crypto_pwhash_str_needs_rehash(burn_hash, PWHASH_OPSLIMIT, PWHASH_MEMLIMIT) == 0;
}

unsigned long long crypto_password_verifications(void)
{
    return atomic_load_explicit(&verifications, memory_order_relaxed);
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    out[2 * n] = '\0';
}

void crypto_sha256_hex(const void *data, size_t len, char hex[CRYPTO_SHA256_HEX_LEN])
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, data, len);
    to_hex(h, sizeof(h), hex);
}

void crypto_token_hash(const char *token, char hash[CRYPTO_TOKEN_HASH_LEN])
{
    crypto_sha256_hex(token, strlen(token), hash);
}

void crypto_token_new(char token[CRYPTO_TOKEN_LEN], char hash[CRYPTO_TOKEN_HASH_LEN])
{
    unsigned char raw[32];

    randombytes_buf(raw, sizeof(raw));
    memcpy(token, "tsk_", 4);
    sodium_bin2base64(token + 4, CRYPTO_TOKEN_LEN - 4, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    crypto_token_hash(token, hash);
}

/* Writes 16 bytes as a v4 UUID (version and variant bits set). */
static void format_uuid_v4(unsigned char b[16], char out[STR_UUID_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    int o = 0;

    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

void crypto_uuid_v4(char out[STR_UUID_SIZE])
{
    unsigned char b[16];

    randombytes_buf(b, sizeof(b));
    format_uuid_v4(b, out);
}

/* splitmix64's output function: a bijection of 64-bit words that spreads every input bit. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void crypto_request_id(char out[STR_UUID_SIZE])
{
    /* Per thread: 128 random bits drawn once, then a counter. The first half is the thread's
     * random prefix, the second a bijection of (random start + counter), so ids never repeat
     * within a thread and collide across threads or instances only as random UUIDs do. */
    static _Thread_local uint64_t prefix, next;
    static _Thread_local bool seeded;
    unsigned char b[16];

    if (!seeded) {
        randombytes_buf(&prefix, sizeof(prefix));
        randombytes_buf(&next, sizeof(next));
        seeded = true;
    }
    uint64_t lo = mix64(next++);
    memcpy(b, &prefix, 8);
    memcpy(b + 8, &lo, 8);
    format_uuid_v4(b, out);
}

bool crypto_secret_equals(const char *given, const char *want)
{
    unsigned char a[crypto_hash_sha256_BYTES], b[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(a, (const unsigned char *)given, strlen(given));
    crypto_hash_sha256(b, (const unsigned char *)want, strlen(want));
    return crypto_verify_32(a, b) == 0;
}
