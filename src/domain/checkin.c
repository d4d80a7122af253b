/* Check-in rules; see checkin.h. */
#include "domain/checkin.h"

#include "util/time.h"

struct checkin_run checkin_run_join(int64_t day, const struct checkin_run *adjacent, int n)
{
    struct checkin_run run = {day, day};

    for (int i = 0; i < n; i++) {
        if (adjacent[i].first_day < run.first_day)
            run.first_day = adjacent[i].first_day;
        if (adjacent[i].last_day > run.last_day)
            run.last_day = adjacent[i].last_day;
    }
    return run;
}

struct checkin_streak checkin_streak_on(int64_t today, const struct checkin_streak_state *st)
{
    struct checkin_streak s = {0};

    if (!st->any)
        return s;
    s.longest = st->longest;
    s.has_last = true;
    s.last_day = st->last_day;
    if (!st->has_run || st->run.first_day > today)
        return s;
    /* Runs are maximal, so the run holding today, or else the one ending yesterday, is the
     * one that starts last on or before today. Days after today (checked in from a zone
     * ahead) do not count towards today's streak. */
    if (st->run.last_day >= today) {
        s.today_done = true;
        s.current = today - st->run.first_day + 1;
    } else if (st->run.last_day == today - 1) {
        s.current = st->run.last_day - st->run.first_day + 1;
    }
    return s;
}

bool checkin_editable(int64_t day, int64_t today)
{
    return day == today;
}

enum checkin_range_result checkin_summary_range(bool has_from, bool has_to, int64_t today,
                                                int64_t *from, int64_t *to)
{
    int64_t first = time_date_to_days((struct ts_date){1, 1, 1});

    if (!has_to)
        *to = today;
    if (!has_from) {
        *from = *to - (CHECKIN_SUMMARY_DEFAULT_DAYS - 1);
        if (*from < first)
            *from = first;
    }
    if (*from > *to)
        return CHECKIN_RANGE_REVERSED;
    if (*to - *from + 1 > CHECKIN_SUMMARY_MAX_DAYS)
        return CHECKIN_RANGE_TOO_LONG;
    return CHECKIN_RANGE_OK;
}
