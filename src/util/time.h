/*
 * Clocks, RFC 3339 timestamps and calendar dates (API.md §1.6); IANA time zones are in
 * util/tz.h.
 *
 * Timestamps travel through the program as int64 milliseconds since the Unix epoch (UTC); that
 * is also how both storage backends keep them, so keyset cursors compare integers.
 * All functions are thread safe.
 */
#ifndef TS_UTIL_TIME_H
#define TS_UTIL_TIME_H

#include <stdbool.h>
#include <pthread.h>
#include <stdint.h>

#include <jansson.h>

/* Wall clock, UTC milliseconds: the system's, or the fault clock's when one is in use. */
int64_t time_now_ms(void);

/*
 * Fault injection for tests (FAULT_CLOCK_FILE, README): from now on time_now_ms() reads the
 * file at `path` on every call. "+N" / "-N" (whole seconds) shift the running clock; an RFC 3339
 * timestamp stops it at that instant; a missing, empty or unreadable file leaves the system
 * clock. Durations and deadlines (time_mono_ms) are not affected. Call once, before other
 * threads start; NULL or "" turns it off.
 */
void time_use_fault_clock(const char *path);

/* Monotonic clock in milliseconds, for durations and deadlines. */
int64_t time_mono_ms(void);

/* The same clock in nanoseconds (request durations: the access line and the metrics). */
int64_t time_mono_ns(void);

/* Initialises `cv` so that its timed waits run on the monotonic clock of time_mono_ms(): a
 * change of the wall clock neither shortens nor stretches them. */
void time_cond_init(pthread_cond_t *cv);

/* Waits on `cv` (`mu` held) until signalled or until the monotonic time `deadline_ms` (0: no
 * deadline); 0 when woken (possibly spuriously), ETIMEDOUT once the deadline has passed. */
int time_cond_wait_until(pthread_cond_t *cv, pthread_mutex_t *mu, int64_t deadline_ms);

#define TIME_RFC3339_LEN 25 /* "2026-11-27T09:30:00.000Z" plus NUL */

/* Formats `ms` as "YYYY-MM-DDTHH:MM:SS.mmmZ" into `out`. */
void time_format_ms(int64_t ms, char out[TIME_RFC3339_LEN]);

/* Appends ,"key":"<RFC 3339>" to `b`, or ,"key":null for 0, for objects written as text. */
struct buf;
int time_json_member(struct buf *b, const char *key, int64_t ms);

/* The same as a new JSON string, or JSON null for 0 (the "not set" of stored timestamps). */
json_t *time_to_json(int64_t ms);

enum time_parse_result {
    TIME_OK = 0,
    TIME_INVALID = -1, /* not a datetime: *reason says why (pydantic datetime_parsing) */
    TIME_NAIVE = -2,   /* a valid datetime without offset (pydantic timezone_aware) */
};

/*
 * Parses an RFC 3339 timestamp: "YYYY-MM-DDTHH:MM:SS[.f{1,6}](Z|±HH:MM)" ('T' may also be 't'
 * or a space, 'Z' may be 'z'). The value is converted to UTC and truncated to milliseconds.
 * Returns a time_parse_result; on TIME_INVALID `*reason` is a static text such as
 * "input is too short" for the message "Input should be a valid datetime, {reason}".
 */
int time_parse_rfc3339(const char *s, int64_t *ms, const char **reason);

struct ts_date {
    int year;  /* 1..9999 */
    int month; /* 1..12 */
    int day;   /* 1..31, valid for the month */
};

#define TIME_DATE_LEN 11 /* "YYYY-MM-DD" plus NUL */

/*
 * Parses "YYYY-MM-DD" (exactly). Returns 0, or -1 with `*reason` a static text for
 * "Input should be a valid date in the format YYYY-MM-DD, {reason}".
 */
int time_parse_date(const char *s, struct ts_date *d, const char **reason);

void time_format_date(struct ts_date d, char out[TIME_DATE_LEN]);

/* Days since 1970-01-01 for `d` (proleptic Gregorian), and back. */
int64_t time_date_to_days(struct ts_date d);
struct ts_date time_days_to_date(int64_t days);

#endif
