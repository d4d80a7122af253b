/*
 * Sliding-window failure counter for login rate limiting (API.md §1.11).
 *
 * Counts failures per key (a client IP, or a normalised email) over the last `window_ms`.
 * A key is limited while it has `limit` or more failures inside the window; it stays limited
 * until the oldest counted failure leaves the window. Counters live in this process only (the
 * spec asks for per-instance counters). Memory is bounded: at most `max_keys` keys are kept;
 * when full, the key whose newest failure is oldest is dropped.
 *
 * Thread safe (one mutex); all operations are O(1) amortised in the number of keys.
 */
#ifndef TS_DOMAIN_RATELIMIT_H
#define TS_DOMAIN_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ratelimit;

/* Creates a limiter; caller frees with ratelimit_free(). */
struct ratelimit *ratelimit_new(int limit, int64_t window_ms, size_t max_keys);
void ratelimit_free(struct ratelimit *rl);

/*
 * True when `key` is limited at time `now_ms`; then *retry_after_s is the whole number of
 * seconds (>= 1, rounded up) until the oldest counted failure leaves the window.
 */
bool ratelimit_is_limited(struct ratelimit *rl, const char *key, int64_t now_ms,
                          int *retry_after_s);

/* Records one failure for `key` at `now_ms`. */
void ratelimit_record_failure(struct ratelimit *rl, const char *key, int64_t now_ms);

/* Forgets every failure of every key (the fuzz harness starts each input from none). */
void ratelimit_clear(struct ratelimit *rl);

#endif
