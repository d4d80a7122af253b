/*
 * Check-in rules that need neither HTTP nor SQL (API.md §10): streaks, the one-day edit window
 * and the summary's date range. Days are day numbers (days since 1970-01-01) of local calendar
 * dates; which zone made a date is the caller's concern (util/tz.h).
 *
 * Streaks are kept as runs: maximal ranges of consecutive check-in days. A new day joins the
 * run that ends the day before and the one that starts the day after (a user who moved to a
 * zone behind may check in for a day before their latest one), so the runs stay maximal and
 * disjoint, and the longest run never shrinks (check-ins are never deleted).
 */
#ifndef TS_DOMAIN_CHECKIN_H
#define TS_DOMAIN_CHECKIN_H

#include <stdbool.h>
#include <stdint.h>

#include "model/checkin.h"

/* The run that day `day` (not yet a check-in day) makes together with the `n` (0..2) runs next
 * to it: one ending at day - 1, one starting at day + 1. */
struct checkin_run checkin_run_join(int64_t day, const struct checkin_run *adjacent, int n);

static inline int64_t checkin_run_length(struct checkin_run r)
{
    return r.last_day - r.first_day + 1;
}

/* GET /checkins/streak's figures (§10). */
struct checkin_streak {
    int64_t current;  /* consecutive days ending today, or yesterday if today has none; else 0 */
    int64_t longest;  /* 0 without check-ins */
    bool has_last;    /* last_day is set */
    int64_t last_day; /* the latest check-in day */
    bool today_done;  /* a check-in exists for today */
};

/* The streak on day `today` (in the user's current zone) from the stored state. */
struct checkin_streak checkin_streak_on(int64_t today, const struct checkin_streak_state *st);

/* Whether a check-in of day `day` may still be edited on `today`: only on the day it was made. */
bool checkin_editable(int64_t day, int64_t today);

#define CHECKIN_SUMMARY_MAX_DAYS 366
#define CHECKIN_SUMMARY_DEFAULT_DAYS 30

enum checkin_range_result {
    CHECKIN_RANGE_OK = 0,
    CHECKIN_RANGE_REVERSED, /* from after to */
    CHECKIN_RANGE_TOO_LONG, /* more than CHECKIN_SUMMARY_MAX_DAYS days */
};

/*
 * The summary's range (§10): `to` defaults to `today`, `from` to `to` − 29 days (never before
 * 0001-01-01). `has_from`/`has_to` tell whether the query gave them. Writes the range to
 * *from and *to and returns how it is to be answered.
 */
enum checkin_range_result checkin_summary_range(bool has_from, bool has_to, int64_t today,
                                                int64_t *from, int64_t *to);

#endif
