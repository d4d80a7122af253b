/*
 * Sliding-window failure counter for login rate limiting (API.md §1.11).
 *
 * Sections, in order: the timestamp ring of one key, the recency list, the hash table, and the
 * public functions.
 *
 * Each key keeps at most `limit` failure timestamps, sorted oldest first. "Limited" means that
 * `limit` failures lie inside the window, so a failure older than the newest `limit` can never
 * change the answer; and when exactly `limit` are kept, the oldest of them is the one whose
 * departure from the window ends the limit, which is what Retry-After reports.
 *
 * Every key is also on a list sorted by its newest failure. Its head is the eviction victim when
 * the table is full, and because fully expired keys gather at the head, each record call can
 * drop them there without scanning the table: memory stays bounded by `max_keys` and by what is
 * still inside the window, at O(1) amortised cost.
 */
#include "domain/ratelimit.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/arena.h"

#define MIN_BUCKETS 16
#define MIN_RING 4

struct entry {
    struct entry *chain; /* next entry in the same bucket */
    struct entry *older; /* recency list, sorted by newest failure */
    struct entry *newer;
    uint64_t hash;
    int64_t *ts; /* ring of failure times, oldest first */
    int head;    /* index of the oldest */
    int count;
    int cap;
    char key[];
};

struct ratelimit {
    pthread_mutex_t mu;
    int limit;
    int64_t window_ms;
    size_t max_keys;
    unsigned char hash_key[crypto_shorthash_KEYBYTES];
    struct entry **buckets;
    size_t nbuckets; /* a power of two */
    size_t nkeys;
    struct entry *oldest; /* head of the recency list */
    struct entry *newest; /* tail */
};

/* --- timestamp ring ---------------------------------------------------------------------- */

static int64_t *ring_at(const struct entry *e, int i)
{
    return &e->ts[(e->head + i) % e->cap];
}

static int64_t newest_failure(const struct entry *e)
{
    return *ring_at(e, e->count - 1);
}

/* A failure at t counts while now - t < window. */
static void ring_prune(struct entry *e, int64_t now_ms, int64_t window_ms)
{
    while (e->count > 0 && now_ms - *ring_at(e, 0) >= window_ms) {
        e->head = (e->head + 1) % e->cap;
        e->count--;
    }
}

static void ring_grow(struct entry *e, int limit)
{
    int cap = e->cap < MIN_RING ? MIN_RING : e->cap * 2;
    int64_t *ts;

    if (cap > limit)
        cap = limit;
    ts = xmalloc((size_t)cap * sizeof(*ts));
    for (int i = 0; i < e->count; i++)
        ts[i] = *ring_at(e, i);
    free(e->ts);
    e->ts = ts;
    e->cap = cap;
    e->head = 0;
}

/*
 * Inserts t in order. Callers on different threads may read the clock in one order and take
 * the lock in the other, so t is not always the newest; insertion keeps the ring sorted anyway
 * (it moves at most a few places).
 */
static void ring_add(struct entry *e, int64_t t, int limit)
{
    int i;

    if (e->count == limit) {
        if (t <= *ring_at(e, 0))
            return; /* older than every kept failure: it cannot matter */
        e->head = (e->head + 1) % e->cap;
        e->count--;
    }
    if (e->count == e->cap)
        ring_grow(e, limit);
    for (i = e->count; i > 0 && *ring_at(e, i - 1) > t; i--)
        *ring_at(e, i) = *ring_at(e, i - 1);
    *ring_at(e, i) = t;
    e->count++;
}

/* --- recency list ------------------------------------------------------------------------ */

static void list_unlink(struct ratelimit *rl, struct entry *e)
{
    if (e->older != NULL)
        e->older->newer = e->newer;
    else
        rl->oldest = e->newer;
    if (e->newer != NULL)
        e->newer->older = e->older;
    else
        rl->newest = e->older;
    e->older = e->newer = NULL;
}

/* (Re)places `e` by its newest failure; usually that is the tail, so the walk is short. */
static void list_place(struct ratelimit *rl, struct entry *e)
{
    int64_t t = newest_failure(e);
    struct entry *p;

    if (e->older != NULL || rl->oldest == e)
        list_unlink(rl, e); /* a new entry is not on the list yet */
    for (p = rl->newest; p != NULL && newest_failure(p) > t; p = p->older)
        ;
    e->older = p;
    e->newer = p != NULL ? p->newer : rl->oldest;
    if (e->older != NULL)
        e->older->newer = e;
    else
        rl->oldest = e;
    if (e->newer != NULL)
        e->newer->older = e;
    else
        rl->newest = e;
}

/* --- hash table -------------------------------------------------------------------------- */

/*
 * Keys include e-mail addresses, which a client chooses freely; with a fixed hash function
 * (FNV-1a, say) one could pick addresses that share a bucket and make every login walk a long
 * chain. SipHash under a per-limiter random key rules that out.
 */
static uint64_t hash_key(const struct ratelimit *rl, const char *key)
{
    unsigned char out[crypto_shorthash_BYTES];
    uint64_t h;

    crypto_shorthash(out, (const unsigned char *)key, strlen(key), rl->hash_key);
    memcpy(&h, out, sizeof(h));
    return h;
}

static struct entry *find(const struct ratelimit *rl, const char *key, uint64_t hash)
{
    struct entry *e = rl->buckets[hash & (rl->nbuckets - 1)];

    while (e != NULL && (e->hash != hash || strcmp(e->key, key) != 0))
        e = e->chain;
    return e;
}

static void grow_table(struct ratelimit *rl)
{
    size_t n = rl->nbuckets * 2;
    struct entry **b = xcalloc(n, sizeof(*b));

    for (size_t i = 0; i < rl->nbuckets; i++) {
        struct entry *e = rl->buckets[i];

        while (e != NULL) {
            struct entry *next = e->chain;

            e->chain = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
            e = next;
        }
    }
    free(rl->buckets);
    rl->buckets = b;
    rl->nbuckets = n;
}

/* Adds an entry with no failures yet; the caller records one and places it on the list. */
static struct entry *insert_new(struct ratelimit *rl, const char *key, uint64_t hash)
{
    size_t len = strlen(key);
    struct entry *e = xcalloc(1, sizeof(*e) + len + 1);
    struct entry **bucket;

    memcpy(e->key, key, len + 1);
    e->hash = hash;
    if (rl->nkeys >= rl->nbuckets)
        grow_table(rl);
    bucket = &rl->buckets[hash & (rl->nbuckets - 1)];
    e->chain = *bucket;
    *bucket = e;
    rl->nkeys++;
    return e;
}

static void remove_entry(struct ratelimit *rl, struct entry *e)
{
    struct entry **pp = &rl->buckets[e->hash & (rl->nbuckets - 1)];

    while (*pp != e)
        pp = &(*pp)->chain;
    *pp = e->chain;
    list_unlink(rl, e);
    rl->nkeys--;
    free(e->ts);
    free(e);
}

/*
 * Drops keys whose newest failure has left the window. They sit at the head of the list, so
 * this stops at the first live key; each key is removed once, hence O(1) amortised.
 */
static void sweep_expired(struct ratelimit *rl, int64_t now_ms)
{
    while (rl->oldest != NULL && now_ms - newest_failure(rl->oldest) >= rl->window_ms)
        remove_entry(rl, rl->oldest);
}

/* --- public functions -------------------------------------------------------------------- */

struct ratelimit *ratelimit_new(int limit, int64_t window_ms, size_t max_keys)
{
    struct ratelimit *rl;

    if (limit < 1 || window_ms < 1 || max_keys < 1)
        return NULL;
    rl = xcalloc(1, sizeof(*rl));
    if (pthread_mutex_init(&rl->mu, NULL) != 0) {
        free(rl);
        return NULL;
    }
    rl->limit = limit;
    rl->window_ms = window_ms;
    rl->max_keys = max_keys;
    crypto_shorthash_keygen(rl->hash_key);
    rl->nbuckets = MIN_BUCKETS;
    rl->buckets = xcalloc(rl->nbuckets, sizeof(*rl->buckets));
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (rl == NULL)
        return;
    ratelimit_clear(rl);
    free(rl->buckets);
    pthread_mutex_destroy(&rl->mu);
    free(rl);
}

void ratelimit_clear(struct ratelimit *rl)
{
    pthread_mutex_lock(&rl->mu);
    while (rl->oldest != NULL)
        remove_entry(rl, rl->oldest);
    pthread_mutex_unlock(&rl->mu);
}

bool ratelimit_is_limited(struct ratelimit *rl, const char *key, int64_t now_ms, int *retry_after_s)
{
    bool limited = false;
    int64_t secs = 0;
    struct entry *e;

    pthread_mutex_lock(&rl->mu);
    e = find(rl, key, hash_key(rl, key));
    if (e != NULL) {
        ring_prune(e, now_ms, rl->window_ms);
        if (e->count == 0) {
            remove_entry(rl, e);
        } else if (e->count >= rl->limit) {
            /* Positive: the oldest kept failure is still inside the window. */
            int64_t until = *ring_at(e, 0) + rl->window_ms - now_ms;

            limited = true;
            secs = until / 1000 + (until % 1000 != 0);
            if (secs < 1)
                secs = 1;
            if (secs > INT_MAX)
                secs = INT_MAX;
        }
    }
    pthread_mutex_unlock(&rl->mu);
    if (retry_after_s != NULL)
        *retry_after_s = (int)secs;
    return limited;
}

void ratelimit_record_failure(struct ratelimit *rl, const char *key, int64_t now_ms)
{
    uint64_t hash = hash_key(rl, key);
    struct entry *e;

    pthread_mutex_lock(&rl->mu);
    sweep_expired(rl, now_ms);
    e = find(rl, key, hash);
    if (e == NULL) {
        if (rl->nkeys >= rl->max_keys)
            remove_entry(rl, rl->oldest); /* its newest failure is the oldest of all */
        e = insert_new(rl, key, hash);
    } else {
        ring_prune(e, now_ms, rl->window_ms);
    }
    ring_add(e, now_ms, rl->limit);
    list_place(rl, e);
    pthread_mutex_unlock(&rl->mu);
}
