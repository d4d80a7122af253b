/*
 * IANA time zones, read from the system's tz database (TZif files, RFC 8536, under
 * /usr/share/zoneinfo or $TZDIR; Debian package tzdata) by a reader of our own.
 *
 * Why not setenv("TZ") + localtime_r(): the C library keeps one process-wide zone, so two
 * requests for users in different zones would race. Here every zone is an immutable value:
 * loaded from its file once, kept for the life of the process, and read by any number of
 * threads without locks (the cache itself is guarded).
 *
 * A zone answers "what is the UTC offset at instant t" from its transition table, and for
 * instants after the last transition from the POSIX TZ rule in the file's footer (e.g.
 * "CET-1CEST,M3.5.0,M10.5.0/3"), so dates in any future year are right. Instants before the
 * first transition use the zone's first local time type, as RFC 8536 says.
 *
 * All functions are thread safe.
 */
#ifndef TS_UTIL_TZ_H
#define TS_UTIL_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tz_zone;

/*
 * The zone named `name` (case-sensitive, as the database is: "Europe/Berlin", "UTC"), or NULL
 * when it is not a zone the reader can load: not a safe relative name (only letters, digits,
 * '_', '-', '+' and '/'-separated parts; no "." or ".." parts, no leading '/', so no name
 * leaves the database directory), "localtime"/"posixrules", not a regular file, not a valid
 * TZif file, or one with leap-second records (the "right/" tree, whose instants count leap
 * seconds the server's clock does not). A zone once returned stays loaded and valid until the
 * process exits, so a name accepted once is never refused later. Unknown names are not cached
 * (bounded memory), so each lookup of one reads the directory again. A cached name costs a
 * hash lookup without a lock; the first lookup of a name reads its file.
 */
const struct tz_zone *tz_get(const char *name);

/* True when tz_get(name) returns a zone: the one test for an accepted time zone name. */
bool tz_is_known(const char *name);

/* The zone's UTC offset in seconds (east positive) at the instant `utc_s` (seconds since
 * 1970-01-01T00:00:00Z), for any int64 instant. Neither this nor tz_local_day() allocates or
 * takes a lock. */
int32_t tz_offset_at(const struct tz_zone *z, int64_t utc_s);

/* The local calendar date at instant `utc_ms`, as days since 1970-01-01 (util/time.h,
 * time_days_to_date() turns it into a date). */
int64_t tz_local_day(const struct tz_zone *z, int64_t utc_ms);

/* The zone's transition table, for tests and diagnostics: returns the number of transitions
 * and sets `*times` to their instants (UTC seconds, strictly ascending; borrowed, valid for the
 * life of the process). The footer rule, not this table, covers instants after the last one. */
size_t tz_transitions(const struct tz_zone *z, const int64_t **times);

/*
 * The zone in the `len` bytes of `buf`, which need not be NUL-terminated, named `name`; NULL
 * when they are not a valid TZif file (the checks of tz_get()). Not cached: the caller owns
 * the zone and frees it with free(). tz_get() reads files through it; fuzz/fuzz_tzfile.c feeds
 * it arbitrary bytes.
 */
struct tz_zone *tz_parse(const uint8_t *buf, size_t len, const char *name);

#endif
