/*
 * Unit tests for domain/ratelimit.c: the sliding window, Retry-After rounding, key
 * independence, the max_keys bound and concurrent use (API.md §1.11).
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdio.h>

#include <sodium.h>

#include "domain/ratelimit.h"

#define WINDOW 60000

static void setup(void)
{
    cr_assert_geq(sodium_init(), 0);
}

TestSuite(ratelimit, .init = setup);

/* --- helpers ---------------------------------------------------------------------------- */

/* Records failures for `key` at first, first + step, ... (n of them). */
static void record_n(struct ratelimit *rl, const char *key, int n, int64_t first, int64_t step)
{
    for (int i = 0; i < n; i++)
        ratelimit_record_failure(rl, key, first + i * step);
}

/* The Retry-After for `key` at `now`, asserting that it is limited. */
static int retry_at(struct ratelimit *rl, const char *key, int64_t now)
{
    int retry = -1;

    cr_assert(ratelimit_is_limited(rl, key, now, &retry), "%s not limited at %lld", key,
              (long long)now);
    return retry;
}

static void assert_free_at(struct ratelimit *rl, const char *key, int64_t now)
{
    int retry = -1;

    cr_assert_not(ratelimit_is_limited(rl, key, now, &retry), "%s limited at %lld", key,
                  (long long)now);
    cr_assert_eq(retry, 0);
}

/* --- construction ----------------------------------------------------------------------- */

Test(ratelimit, rejects_nonsense_parameters)
{
    cr_assert_null(ratelimit_new(0, WINDOW, 10));
    cr_assert_null(ratelimit_new(10, 0, 10));
    cr_assert_null(ratelimit_new(10, WINDOW, 0));
    ratelimit_free(NULL);
}

Test(ratelimit, unknown_key_is_not_limited)
{
    struct ratelimit *rl = ratelimit_new(10, WINDOW, 100);

    assert_free_at(rl, "203.0.113.7", 0);
    assert_free_at(rl, "", 0);
    ratelimit_free(rl);
}

/* --- the window ------------------------------------------------------------------------- */

Test(ratelimit, under_the_limit_is_not_limited)
{
    struct ratelimit *rl = ratelimit_new(10, WINDOW, 100);

    record_n(rl, "ip", 9, 0, 1000);
    assert_free_at(rl, "ip", 9000);
    ratelimit_free(rl);
}

Test(ratelimit, reaching_the_limit_gives_retry_after_rounded_up)
{
    struct ratelimit *rl = ratelimit_new(10, WINDOW, 100);

    record_n(rl, "ip", 10, 0, 1000);
    cr_assert_eq(retry_at(rl, "ip", 9000), 51);
    cr_assert_eq(retry_at(rl, "ip", 9500), 51);  /* ceil(50.5) */
    cr_assert_eq(retry_at(rl, "ip", 10000), 50); /* exact seconds are not rounded up */
    cr_assert_eq(retry_at(rl, "ip", 10001), 50);
    cr_assert_eq(retry_at(rl, "ip", 58999), 2);
    cr_assert_eq(retry_at(rl, "ip", 59001), 1);
    cr_assert_eq(retry_at(rl, "ip", 59999), 1); /* 1 ms left is still a whole second */
    ratelimit_free(rl);
}

Test(ratelimit, limit_ends_when_the_oldest_failure_leaves_the_window)
{
    struct ratelimit *rl = ratelimit_new(10, WINDOW, 100);

    record_n(rl, "ip", 10, 0, 1000);
    cr_assert_eq(retry_at(rl, "ip", 59999), 1);
    assert_free_at(rl, "ip", 60000); /* t=0 counts while now - 0 < 60000 */
    /* One more failure brings the count back to the limit; now t=1000 is the oldest. */
    ratelimit_record_failure(rl, "ip", 60000);
    cr_assert_eq(retry_at(rl, "ip", 60000), 1);
    assert_free_at(rl, "ip", 61000);
    ratelimit_free(rl);
}

Test(ratelimit, only_the_newest_failures_decide_retry_after)
{
    struct ratelimit *rl = ratelimit_new(10, WINDOW, 100);

    /* 15 failures: the newest 10 (t=5000..14000) count; t=5000 leaving ends the limit. */
    record_n(rl, "ip", 15, 0, 1000);
    cr_assert_eq(retry_at(rl, "ip", 14000), 51);
    cr_assert_eq(retry_at(rl, "ip", 64999), 1);
    assert_free_at(rl, "ip", 65000);
    ratelimit_free(rl);
}

Test(ratelimit, failures_recorded_out_of_order_count_by_time)
{
    struct ratelimit *rl = ratelimit_new(3, WINDOW, 100);

    ratelimit_record_failure(rl, "ip", 2000);
    ratelimit_record_failure(rl, "ip", 0);
    ratelimit_record_failure(rl, "ip", 1000);
    cr_assert_eq(retry_at(rl, "ip", 2000), 58); /* the oldest is t=0 */
    /* Older than every kept failure of a full key: ignored. */
    ratelimit_record_failure(rl, "ip", -1500);
    cr_assert_eq(retry_at(rl, "ip", 2000), 58);
    /* Newer than the oldest kept one: it displaces t=0. */
    ratelimit_record_failure(rl, "ip", 500);
    cr_assert_eq(retry_at(rl, "ip", 2000), 59);
    ratelimit_free(rl);
}

Test(ratelimit, expired_failures_are_forgotten)
{
    struct ratelimit *rl = ratelimit_new(2, WINDOW, 100);

    ratelimit_record_failure(rl, "ip", 0);
    ratelimit_record_failure(rl, "ip", WINDOW); /* t=0 has left: the count is 1 */
    assert_free_at(rl, "ip", WINDOW);
    ratelimit_record_failure(rl, "ip", WINDOW + 1);
    cr_assert_eq(retry_at(rl, "ip", WINDOW + 1), 60);
    ratelimit_free(rl);
}

Test(ratelimit, keys_are_independent)
{
    struct ratelimit *rl = ratelimit_new(3, WINDOW, 100);

    record_n(rl, "198.51.100.1", 3, 0, 1);
    record_n(rl, "user@example.com", 2, 0, 1);
    cr_assert_eq(retry_at(rl, "198.51.100.1", 10), 60);
    assert_free_at(rl, "user@example.com", 10);
    assert_free_at(rl, "198.51.100.2", 10);
    ratelimit_record_failure(rl, "user@example.com", 10);
    cr_assert_eq(retry_at(rl, "user@example.com", 10), 60);
    ratelimit_free(rl);
}

/* --- memory bound ----------------------------------------------------------------------- */

/* With limit 1, a key is limited exactly when the limiter still holds it. */
static int count_held(struct ratelimit *rl, int nkeys, int64_t now)
{
    char key[32];
    int held = 0;

    for (int i = 0; i < nkeys; i++) {
        snprintf(key, sizeof(key), "10.0.%d.%d", i / 256, i % 256);
        held += ratelimit_is_limited(rl, key, now, NULL);
    }
    return held;
}

Test(ratelimit, max_keys_bounds_the_table_and_keeps_the_newest)
{
    struct ratelimit *rl = ratelimit_new(1, WINDOW, 16);
    char key[32];

    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "10.0.%d.%d", i / 256, i % 256);
        ratelimit_record_failure(rl, key, i);
        cr_assert(ratelimit_is_limited(rl, key, i, NULL), "%s", key);
    }
    cr_assert_eq(count_held(rl, 5000, 5000), 16);
    cr_assert(ratelimit_is_limited(rl, "10.0.19.135", 5000, NULL)); /* key 4999 */
    cr_assert(ratelimit_is_limited(rl, "10.0.19.120", 5000, NULL)); /* key 4984 */
    cr_assert_not(ratelimit_is_limited(rl, "10.0.19.119", 5000, NULL));
    ratelimit_free(rl);
}

Test(ratelimit, eviction_drops_the_key_whose_newest_failure_is_oldest)
{
    struct ratelimit *rl = ratelimit_new(1, WINDOW, 3);

    ratelimit_record_failure(rl, "a", 0);
    ratelimit_record_failure(rl, "b", 1);
    ratelimit_record_failure(rl, "c", 2);
    ratelimit_record_failure(rl, "a", 3); /* "a" is now newer than "b" */
    ratelimit_record_failure(rl, "d", 4);
    cr_assert(ratelimit_is_limited(rl, "a", 4, NULL));
    cr_assert_not(ratelimit_is_limited(rl, "b", 4, NULL));
    cr_assert(ratelimit_is_limited(rl, "c", 4, NULL));
    cr_assert(ratelimit_is_limited(rl, "d", 4, NULL));
    ratelimit_free(rl);
}

Test(ratelimit, eviction_goes_by_failure_time_not_recording_order)
{
    struct ratelimit *rl = ratelimit_new(1, WINDOW, 2);

    ratelimit_record_failure(rl, "a", 10);
    ratelimit_record_failure(rl, "b", 5); /* recorded later, but its failure is older */
    ratelimit_record_failure(rl, "c", 11);
    cr_assert(ratelimit_is_limited(rl, "a", 11, NULL));
    cr_assert_not(ratelimit_is_limited(rl, "b", 11, NULL));
    cr_assert(ratelimit_is_limited(rl, "c", 11, NULL));
    ratelimit_free(rl);
}

Test(ratelimit, clear_forgets_every_key_and_counts_afresh)
{
    struct ratelimit *rl = ratelimit_new(2, WINDOW, 100);

    record_n(rl, "ip", 2, 0, 1000);
    record_n(rl, "mail", 2, 0, 1000);
    cr_assert(ratelimit_is_limited(rl, "ip", 2000, NULL));
    ratelimit_clear(rl);
    assert_free_at(rl, "ip", 2000);
    assert_free_at(rl, "mail", 2000);
    ratelimit_record_failure(rl, "ip", 3000);
    assert_free_at(rl, "ip", 3000); /* one failure since the clear, below the limit of 2 */
    ratelimit_record_failure(rl, "ip", 4000);
    cr_assert_eq(retry_at(rl, "ip", 4000), 59);
    ratelimit_clear(rl);
    ratelimit_free(rl);
}

Test(ratelimit, expired_keys_make_room_before_live_ones_are_evicted)
{
    struct ratelimit *rl = ratelimit_new(1, 100, 2);

    ratelimit_record_failure(rl, "a", 0);
    ratelimit_record_failure(rl, "b", 0);
    ratelimit_record_failure(rl, "c", 50);
    /* Full: "a" (oldest) was evicted although live. */
    cr_assert_not(ratelimit_is_limited(rl, "a", 50, NULL));
    cr_assert(ratelimit_is_limited(rl, "b", 50, NULL));
    /* At 120 "b" has expired, so "d" takes its place and "c" stays. */
    ratelimit_record_failure(rl, "d", 120);
    cr_assert(ratelimit_is_limited(rl, "c", 120, NULL));
    cr_assert(ratelimit_is_limited(rl, "d", 120, NULL));
    ratelimit_free(rl);
}

Test(ratelimit, rounds_of_fresh_keys_replace_expired_ones)
{
    struct ratelimit *rl = ratelimit_new(1, 1000, 4096);

    /* Each round comes after the previous one expired, so its keys are swept, not evicted. */
    for (int round = 0; round < 5; round++) {
        int64_t t = round * 10000;

        for (int i = 0; i < 3000; i++) {
            char key[32];

            snprintf(key, sizeof(key), "r%d-%d", round, i);
            ratelimit_record_failure(rl, key, t);
        }
    }
    cr_assert(ratelimit_is_limited(rl, "r4-2999", 40000, NULL));
    cr_assert_not(ratelimit_is_limited(rl, "r3-2999", 40000, NULL));
    ratelimit_free(rl);
}

/* --- threads ---------------------------------------------------------------------------- */

#define THREADS 8
#define PER_THREAD 2000

struct worker {
    struct ratelimit *exact; /* limit THREADS * PER_THREAD */
    struct ratelimit *above; /* limit one more */
    int id;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    char own[16];

    snprintf(own, sizeof(own), "own-%d", w->id);
    for (int i = 0; i < PER_THREAD; i++) {
        int64_t t = i * THREADS + w->id; /* interleaved times exercise ordered insertion */

        ratelimit_record_failure(w->exact, "shared", t);
        ratelimit_record_failure(w->above, "shared", t);
        ratelimit_record_failure(w->exact, own, t);
        (void)ratelimit_is_limited(w->above, "shared", t, NULL);
    }
    return NULL;
}

Test(ratelimit, concurrent_failures_are_all_counted)
{
    struct ratelimit *exact = ratelimit_new(THREADS * PER_THREAD, 1000000, 64);
    struct ratelimit *above = ratelimit_new(THREADS * PER_THREAD + 1, 1000000, 64);
    struct worker w[THREADS];
    pthread_t tid[THREADS];
    int retry = 0;

    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){exact, above, i};
        cr_assert_eq(pthread_create(&tid[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(tid[i], NULL);
    /* No failure lost (the count reaches the limit) and none counted twice (not above it). */
    cr_assert(ratelimit_is_limited(exact, "shared", THREADS * PER_THREAD, &retry));
    cr_assert_eq(retry, 984); /* the oldest failure, t=0, leaves at 1000000 */
    cr_assert_not(ratelimit_is_limited(above, "shared", THREADS * PER_THREAD, NULL));
    cr_assert_not(ratelimit_is_limited(exact, "own-0", THREADS * PER_THREAD, NULL));
    ratelimit_free(exact);
    ratelimit_free(above);
}
